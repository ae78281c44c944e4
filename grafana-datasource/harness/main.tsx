// A page that mounts the plugin's query and config editors with
// @grafana/ui outside Grafana, for the browser test (browser-test.mjs).
// The datasource is a stand-in that answers the autocompletion calls; the
// current query and options are printed as JSON for the test to read.
import React, { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { DataSourceSettings } from '@grafana/data';

import { ConfigEditor } from '../src/components/ConfigEditor';
import { QueryEditor } from '../src/components/QueryEditor';
import { DataSource } from '../src/datasource';
import { TalusOptions, TalusQuery } from '../src/types';

const labels: Record<string, string[]> = {
  'service.name': ['checkout', 'payments'],
  'k8s.job.name': ['etl-nightly', 'billing'],
};

const datasource = {
  getLabelNames: async () => Object.keys(labels),
  getLabelValues: async (name: string) => labels[name] ?? [],
} as unknown as DataSource;

const initialOptions = {
  id: 1,
  uid: 'talus',
  orgId: 1,
  name: 'Talus',
  type: 'talus-logs-datasource',
  typeName: 'Talus',
  access: 'proxy',
  url: '',
  jsonData: {},
  secureJsonFields: {},
  readOnly: false,
} as unknown as DataSourceSettings<TalusOptions>;

function App() {
  const [query, setQuery] = useState<TalusQuery>({ refId: 'A', queryType: 'logs', query: '', limit: 1000 });
  const [runs, setRuns] = useState(0);
  const [options, setOptions] = useState(initialOptions);
  return (
    <div style={{ padding: 16, display: 'grid', gap: 24 }}>
      <section>
        <h2>Query editor</h2>
        <QueryEditor query={query} datasource={datasource} onChange={setQuery} onRunQuery={() => setRuns((n) => n + 1)} />
        <pre data-testid="query-json">{JSON.stringify(query)}</pre>
        <pre data-testid="runs">{runs}</pre>
      </section>
      <section>
        <h2>Config editor</h2>
        <ConfigEditor options={options} onOptionsChange={setOptions} />
        <pre data-testid="options-json">
          {JSON.stringify({ url: options.url, jsonData: options.jsonData, secureJsonData: options.secureJsonData })}
        </pre>
      </section>
    </div>
  );
}

createRoot(document.getElementById('root')!).render(<App />);
(window as any).harnessReady = true;

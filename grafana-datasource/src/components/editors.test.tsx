import React from 'react';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DataSourceSettings } from '@grafana/data';

import { ConfigEditor } from './ConfigEditor';
import { QueryEditor } from './QueryEditor';
import { DataSource } from '../datasource';
import { TalusOptions, TalusQuery } from '../types';

function fakeDatasource() {
  return {
    getLabelNames: vi.fn(async () => ['host.name', 'service.name']),
    getLabelValues: vi.fn(async (name: string) => (name === 'service.name' ? ['checkout', 'payments'] : [])),
  } as unknown as DataSource;
}

/** Renders the query editor as Grafana does, keeping the query in state. */
function renderQueryEditor(initial: TalusQuery) {
  const changes: TalusQuery[] = [];
  const onRunQuery = vi.fn();
  const ds = fakeDatasource();
  function Host() {
    const [q, setQ] = React.useState(initial);
    return (
      <QueryEditor
        query={q}
        datasource={ds}
        onRunQuery={onRunQuery}
        onChange={(n) => {
          changes.push(n);
          setQ(n);
        }}
      />
    );
  }
  render(<Host />);
  return { changes, onRunQuery, ds };
}

describe('QueryEditor', () => {
  it('switches the query type and runs the query', async () => {
    const user = userEvent.setup();
    const { changes, onRunQuery } = renderQueryEditor({ refId: 'A', queryType: 'logs', query: '' });
    await user.click(screen.getByText('Top errors'));
    expect(changes.at(-1)).toMatchObject({ queryType: 'topErrors', limit: 20 });
    expect(onRunQuery).toHaveBeenCalled();
    expect(screen.getByText('Groups')).toBeTruthy();
    await user.click(screen.getByText('Error trend'));
    expect(changes.at(-1)?.queryType).toBe('errorTrend');
    expect(screen.getByLabelText('Group by')).toBeTruthy();
  });

  it('edits the selector and the limit', async () => {
    const user = userEvent.setup();
    const { changes, onRunQuery } = renderQueryEditor({ refId: 'A', queryType: 'logs', query: '' });
    const input = screen.getByTestId('talus-query-input');
    await user.type(input, '{{service.name="x"}');
    expect(changes.at(-1)?.query).toBe('{service.name="x"}');
    await user.tab();
    expect(onRunQuery).toHaveBeenCalled();
    const limit = screen.getByTestId('talus-limit');
    await user.clear(limit);
    await user.type(limit, '250');
    expect(changes.at(-1)?.limit).toBe(250);
  });

  it('adds a matcher from the attribute browser', async () => {
    const user = userEvent.setup();
    const { changes, ds } = renderQueryEditor({ refId: 'A', queryType: 'logs', query: '{host.name="node-1"} |= "x"' });
    await waitFor(() => expect(ds.getLabelNames).toHaveBeenCalled());
    await user.click(screen.getByLabelText('Attribute name'));
    await user.click(await screen.findByText('service.name'));
    await waitFor(() => expect(ds.getLabelValues).toHaveBeenCalledWith('service.name', undefined));
    await user.click(screen.getByLabelText('Attribute value'));
    await user.click(await screen.findByText('payments'));
    expect(changes.at(-1)?.query).toBe('{host.name="node-1", service.name="payments"} |= "x"');
  });
});

describe('ConfigEditor', () => {
  const base = {
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

  function renderConfig(options: DataSourceSettings<TalusOptions>) {
    const seen: Array<DataSourceSettings<TalusOptions>> = [];
    function Host() {
      const [o, setO] = React.useState(options);
      return (
        <ConfigEditor
          options={o}
          onOptionsChange={(n) => {
            seen.push(n);
            setO(n);
          }}
        />
      );
    }
    render(<Host />);
    return seen;
  }

  it('edits url, instance, token and timeout', async () => {
    const user = userEvent.setup();
    const seen = renderConfig(base);
    await user.type(screen.getByTestId('talus-config-url'), 'http://127.0.0.1:7070');
    await user.type(screen.getByTestId('talus-config-instance'), 'team-a');
    await user.type(screen.getByTestId('talus-config-token'), 's3cret');
    await user.type(screen.getByTestId('talus-config-timeout'), '15');
    const last = seen.at(-1)!;
    expect(last.url).toBe('http://127.0.0.1:7070');
    expect(last.jsonData).toEqual({ instance: 'team-a', timeoutSeconds: 15 });
    expect(last.secureJsonData).toEqual({ token: 's3cret' });
  });

  it('resets a configured token', async () => {
    const user = userEvent.setup();
    const seen = renderConfig({ ...base, secureJsonFields: { token: true } });
    await user.click(screen.getByText('Reset'));
    expect(seen.at(-1)?.secureJsonFields).toEqual({ token: false });
    expect(seen.at(-1)?.secureJsonData).toEqual({ token: '' });
  });
});

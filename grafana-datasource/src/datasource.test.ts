import {
  DataFrame,
  DataFrameType,
  FieldType,
  LogLevel,
  LogRowContextQueryDirection,
  LogRowModel,
  SupplementaryQueryType,
} from '@grafana/data';
import { lastValueFrom } from 'rxjs';

import { formatSelectorValue } from './datasource';
import { goldenFrames } from './test/golden';
import { fakeBackend, fakeLive, fakeTemplates, newDataSource, request } from './test/fakes';
import { TalusQuery } from './types';

beforeEach(() => fakeTemplates({ service: 'checkout', services: ['checkout', 'pay.ments'] }));

describe('query', () => {
  it('sends the query model to the backend and reads the log-lines frame', async () => {
    const fb = fakeBackend(() => goldenFrames('logs'));
    const ds = newDataSource();
    const res = await lastValueFrom(
      ds.query(request([{ refId: 'A', queryType: 'logs', query: '{service.name="$service"}', limit: 3 }]))
    );
    expect(fb.requests).toHaveLength(1);
    const sent = fb.requests[0].data.queries[0];
    expect(sent).toMatchObject({ refId: 'A', queryType: 'logs', query: '{service.name="checkout"}', limit: 3 });
    expect(sent.datasource).toMatchObject({ uid: 'talus', type: 'talus-logs-datasource' });
    expect(fb.requests[0].data.from).toBe('1795518000000');

    const frame: DataFrame = res.data[0];
    expect(frame.meta?.type).toBe(DataFrameType.LogLines);
    expect(frame.length).toBe(3);
    expect(frame.fields.find((f) => f.name === 'timestamp')?.type).toBe(FieldType.time);
    expect(frame.fields.find((f) => f.name === 'severity')?.values).toEqual([LogLevel.info, LogLevel.warning, LogLevel.debug]);
  });

  it('turns multi-value variables into a regex alternation', () => {
    // Regex-escaped, then escaped for a Go-syntax "..." string: pay\\.ments reads as pay\.ments.
    expect(formatSelectorValue(['checkout', 'pay.ments'])).toBe(String.raw`(checkout|pay\\.ments)`);
    expect(formatSelectorValue(['a+b'])).toBe(String.raw`a\\+b`);
    expect(formatSelectorValue('checkout')).toBe('checkout');
    expect(formatSelectorValue('say "hi" \\ bye')).toBe(String.raw`say \"hi\" \\ bye`);
    const ds = newDataSource();
    const q = ds.applyTemplateVariables({ refId: 'A', query: '{service.name=~"$services"}' }, {});
    expect(q.query).toBe(String.raw`{service.name=~"(checkout|pay\\.ments)"}`);
  });

  it('live tail subscribes to tail/<hash> with the query model as data', async () => {
    fakeBackend(() => []);
    const calls = fakeLive();
    const ds = newDataSource();
    const req = request([{ refId: 'A', queryType: 'logs', query: '{service.name="$service"}' }], { liveStreaming: true });
    await lastValueFrom(ds.query(req));
    await lastValueFrom(ds.query(req));
    expect(calls).toHaveLength(2);
    const addr = calls[0].addr;
    expect(addr.path).toMatch(/^tail\/[0-9a-f]{8}$/);
    expect(addr.stream).toBe('talus');
    expect(addr.data).toEqual({ queryType: 'logs', query: '{service.name="checkout"}', fingerprint: '' });
    // The same query maps to the same channel, another query to another one.
    expect(calls[1].addr.path).toBe(addr.path);
    await lastValueFrom(ds.query(request([{ refId: 'A', query: '{}' }], { liveStreaming: true })));
    expect(calls[2].addr.path).not.toBe(addr.path);
  });
});

describe('supplementary logs volume', () => {
  const ds = newDataSource();

  it('supports only the logs volume', () => {
    expect(ds.getSupportedSupplementaryQueryTypes()).toEqual([SupplementaryQueryType.LogsVolume]);
  });

  it('maps logs targets to logsVolume targets Grafana can match back', () => {
    const req = request([
      { refId: 'A', queryType: 'logs', query: '{service.name="checkout"}', fingerprint: 'v1:x' },
      { refId: 'B', queryType: 'topErrors' },
      { refId: 'C', queryType: 'logs', hide: true },
    ]);
    const sup = ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, req);
    expect(sup?.hideFromInspector).toBe(true);
    expect(sup?.targets).toEqual([
      { refId: 'log-volume-A', queryType: 'logsVolume', query: '{service.name="checkout"}', fingerprint: 'v1:x', datasource: undefined },
    ]);
    expect(sup?.range).toBe(req.range);
    expect(ds.getSupplementaryRequest(SupplementaryQueryType.LogsSample, req)).toBeUndefined();
    expect(ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, request([{ refId: 'B', queryType: 'topErrors' }]))).toBeUndefined();
  });

  it('runs through the backend into per-level series', async () => {
    const fb = fakeBackend(() => goldenFrames('logs_volume'));
    const sup = ds.getSupplementaryRequest(SupplementaryQueryType.LogsVolume, request([{ refId: 'A', query: '{}' }]))!;
    const res = await lastValueFrom(ds.query(sup));
    expect(fb.requests[0].data.queries[0]).toMatchObject({ refId: 'log-volume-A', queryType: 'logsVolume' });
    const levels = res.data.map((f: DataFrame) => f.fields[1].labels?.level);
    expect(levels).toEqual(['critical', 'error', 'warning', 'info', 'debug']);
    expect(res.data.every((f: DataFrame) => f.meta?.type === DataFrameType.TimeSeriesMulti)).toBe(true);
  });
});

describe('log context', () => {
  const row = {
    rowIndex: 1,
    rowId: '000000000000a003',
    uid: 'A_000000000000a003',
    timeEpochMs: 1795521599623,
    timeEpochNs: '1795521599623456792',
    labels: { 'service.name': 'checkout', 'host.name': 'node-1', 'k8s.job.name': 'etl-nightly' },
  } as unknown as LogRowModel;

  it('asks for the neighbours of the row in the same resource', async () => {
    const fb = fakeBackend((refId) => goldenFrames(refId === 'context-forward' ? 'context_forward' : 'context_backward'));
    const ds = newDataSource();
    expect(ds.showContextToggle()).toBe(true);
    const fwd = await ds.getLogRowContext(row, { direction: LogRowContextQueryDirection.Forward, limit: 2 });
    const sent = fb.requests[0].data.queries[0] as TalusQuery;
    expect(sent.query).toBe('{host.name="node-1", k8s.job.name="etl-nightly", service.name="checkout"}');
    expect(sent.context).toEqual({ timeNs: '1795521599623456792', direction: 'forward', id: '000000000000a003' });
    expect(sent.limit).toBe(2);
    expect(fwd.data[0].fields.find((f: any) => f.name === 'id').values).toEqual(['000000000000a002']);

    const back = await ds.getLogRowContext(row, { direction: LogRowContextQueryDirection.Backward, limit: 2 });
    expect(fb.requests[1].data.queries[0].context.direction).toBe('backward');
    expect(back.data[0].fields.find((f: any) => f.name === 'id').values).toEqual(['000000000000a004', '000000000000a005']);
  });

  it('offers the resource selector for the split view', async () => {
    const ds = newDataSource();
    const q = await ds.getLogRowContextQuery(row, { limit: 10 });
    expect(q).toMatchObject({
      queryType: 'logs',
      query: '{host.name="node-1", k8s.job.name="etl-nightly", service.name="checkout"}',
      limit: 10,
    });
  });
});

describe('filters from log details', () => {
  const ds = newDataSource();
  const q: TalusQuery = { refId: 'A', query: '{service.name="checkout"} |= "timeout"' };

  it('adds, detects and removes matchers', () => {
    const added = ds.toggleQueryFilter(q, { type: 'FILTER_FOR', options: { key: 'host.name', value: 'node-1' } });
    expect(added.query).toBe('{service.name="checkout", host.name="node-1"} |= "timeout"');
    expect(ds.queryHasFilter(added, { key: 'host.name', value: 'node-1' })).toBe(true);
    const removed = ds.toggleQueryFilter(added, { type: 'FILTER_FOR', options: { key: 'host.name', value: 'node-1' } });
    expect(removed.query).toBe(q.query);
    const out = ds.toggleQueryFilter(added, { type: 'FILTER_OUT', options: { key: 'host.name', value: 'node-1' } });
    expect(out.query).toBe('{service.name="checkout", host.name!="node-1"} |= "timeout"');
    expect(ds.queryHasFilter(out, { key: 'host.name', value: 'node-1' })).toBe(false);
  });

  it('quotes values', () => {
    const r = ds.toggleQueryFilter({ refId: 'A', query: '' }, { type: 'FILTER_FOR', options: { key: 'k', value: 'a "b" \\c' } });
    expect(r.query).toBe('{k="a \\"b\\" \\\\c"}');
  });
});

describe('autocompletion resources', () => {
  it('calls the backend resources with the range in ms', async () => {
    const fb = fakeBackend(() => [], { labels: ['service.name'], 'label/service.name/values': ['checkout'] });
    const ds = newDataSource();
    const range = request([]).range;
    expect(await ds.getLabelNames(range)).toEqual(['service.name']);
    expect(await ds.getLabelValues('service.name', range)).toEqual(['checkout']);
    expect(fb.requests[0].url).toBe('/api/datasources/uid/talus/resources/labels');
    expect(fb.requests[0].params).toEqual({ start: '1795518000000', end: '1795521601000' });
  });
});

describe('dashboard variables', () => {
  it('lists attribute names and values', async () => {
    const fb = fakeBackend(() => [], { labels: ['k8s.job.name', 'service.name'], 'label/k8s.job.name/values': ['etl', 'billing'] });
    const ds = newDataSource();
    expect(await ds.metricFindQuery('label_values(k8s.job.name)')).toEqual([
      { text: 'etl', value: 'etl' },
      { text: 'billing', value: 'billing' },
    ]);
    expect((await ds.metricFindQuery(' label_names() ')).map((v) => v.text)).toEqual(['k8s.job.name', 'service.name']);
    await expect(ds.metricFindQuery('values(x)')).rejects.toThrow(/label_values/);
    expect(fb.requests.map((r) => r.url)).toEqual([
      '/api/datasources/uid/talus/resources/label/k8s.job.name/values',
      '/api/datasources/uid/talus/resources/labels',
    ]);
  });
});

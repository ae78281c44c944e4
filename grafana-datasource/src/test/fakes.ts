import { DataFrameJSON, DataQueryRequest, DataSourceInstanceSettings, dateTime, LiveChannelAddress } from '@grafana/data';
import { BackendSrv, BackendSrvRequest, setBackendSrv, setGrafanaLiveSrv, setTemplateSrv } from '@grafana/runtime';
import { Observable, of } from 'rxjs';

import { DataSource } from '../datasource';
import { TalusOptions, TalusQuery } from '../types';

/** Requests the fake backend saw, and what it answers. */
export interface FakeBackend {
  requests: BackendSrvRequest[];
  /** Frames per refId for /api/ds/query. */
  frames: (refId: string, query: any) => DataFrameJSON[];
  /** Answers of getResource, by path. */
  resources: Record<string, unknown>;
}

/** Installs a fake BackendSrv (the Grafana HTTP API the plugin frontend calls). */
export function fakeBackend(frames: FakeBackend['frames'], resources: Record<string, unknown> = {}): FakeBackend {
  const fb: FakeBackend = { requests: [], frames, resources };
  const fetch = (req: BackendSrvRequest): Observable<any> => {
    fb.requests.push(req);
    if (req.url.startsWith('/api/ds/query')) {
      const results: Record<string, unknown> = {};
      for (const q of req.data.queries) {
        results[q.refId] = { status: 200, frames: fb.frames(q.refId, q) };
      }
      return of({ data: { results }, status: 200, ok: true });
    }
    const m = req.url.match(/\/resources\/(.*)$/);
    if (m && m[1] in fb.resources) {
      return of({ data: fb.resources[m[1]], status: 200, ok: true });
    }
    throw new Error('unexpected request ' + req.url);
  };
  setBackendSrv({ fetch } as unknown as BackendSrv);
  return fb;
}

/** Installs a template service replacing $name from vars. */
export function fakeTemplates(vars: Record<string, string | string[]>) {
  setTemplateSrv({
    getVariables: () => [],
    replace: (target?: string, _scoped?: unknown, format?: unknown) =>
      (target ?? '').replace(/\$(\w+)/g, (all, name) => {
        if (!(name in vars)) {
          return all;
        }
        const v = vars[name];
        return typeof format === 'function' ? format(v) : String(v);
      }),
    containsTemplate: (t?: string) => /\$\w+/.test(t ?? ''),
    updateTimeRange: () => {},
  } as any);
}

/** Installs a Grafana Live service recording the channels asked for. */
export function fakeLive(): Array<{ addr: LiveChannelAddress; buffer?: unknown }> {
  const calls: Array<{ addr: LiveChannelAddress; buffer?: unknown }> = [];
  setGrafanaLiveSrv({
    getDataStream: (opts: { addr: LiveChannelAddress; buffer?: unknown }) => {
      calls.push(opts);
      return of({ data: [], key: opts.addr.path });
    },
  } as any);
  return calls;
}

export const settings: DataSourceInstanceSettings<TalusOptions> = {
  id: 7,
  uid: 'talus',
  type: 'talus-logs-datasource',
  name: 'Talus',
  access: 'proxy',
  readOnly: false,
  jsonData: { instance: 'default' },
  meta: { id: 'talus-logs-datasource', info: { version: '0.1.0' } } as any,
};

export function newDataSource(): DataSource {
  return new DataSource(settings);
}

export function request(targets: TalusQuery[], extra: Partial<DataQueryRequest<TalusQuery>> = {}): DataQueryRequest<TalusQuery> {
  const from = dateTime(1795518000000);
  const to = dateTime(1795521601000);
  return {
    requestId: 'r1',
    interval: '1s',
    intervalMs: 1000,
    maxDataPoints: 1000,
    range: { from, to, raw: { from, to } },
    scopedVars: {},
    targets,
    timezone: 'UTC',
    app: 'explore',
    startTime: 0,
    ...extra,
  } as DataQueryRequest<TalusQuery>;
}

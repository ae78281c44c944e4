import {
  DataFrame,
  DataQueryRequest,
  DataQueryResponse,
  DataSourceInstanceSettings,
  DataSourceWithLogsContextSupport,
  DataSourceWithSupplementaryQueriesSupport,
  DataSourceWithToggleableQueryFiltersSupport,
  LiveChannelScope,
  LogRowContextOptions,
  LogRowContextQueryDirection,
  LogRowModel,
  MetricFindValue,
  QueryFilterOptions,
  ScopedVars,
  SupplementaryQueryOptions,
  SupplementaryQueryType,
  TimeRange,
  ToggleFilterAction,
  dateTime,
} from '@grafana/data';
import { DataSourceWithBackend, getGrafanaLiveSrv, getTemplateSrv } from '@grafana/runtime';
import { lastValueFrom, merge, Observable } from 'rxjs';

import { hasMatcher, selectorFromLabels, shortHash, toggleMatcher } from './selector';
import { DEFAULT_QUERY, TalusOptions, TalusQuery } from './types';

/** Rows a log context request asks for when Grafana gives no limit. */
export const CONTEXT_LIMIT = 50;
/** Prefix Grafana strips from a supplementary query's refId to find its source query. */
export const VOLUME_REFID_PREFIX = 'log-volume-';

/**
 * DataSource is the frontend half of the Talus plugin. Queries go to the Go
 * backend through Grafana (DataSourceWithBackend); live tail goes through
 * Grafana Live to the backend's StreamHandler.
 */
export class DataSource
  extends DataSourceWithBackend<TalusQuery, TalusOptions>
  implements
    DataSourceWithLogsContextSupport<TalusQuery>,
    DataSourceWithSupplementaryQueriesSupport<TalusQuery>,
    DataSourceWithToggleableQueryFiltersSupport<TalusQuery>
{
  constructor(instanceSettings: DataSourceInstanceSettings<TalusOptions>) {
    super(instanceSettings);
  }

  getDefaultQuery(): Partial<TalusQuery> {
    return DEFAULT_QUERY;
  }

  filterQuery(query: TalusQuery): boolean {
    return !query.hide;
  }

  applyTemplateVariables(query: TalusQuery, scopedVars: ScopedVars): TalusQuery {
    const srv = getTemplateSrv();
    return {
      ...query,
      query: srv.replace(query.query ?? '', scopedVars, formatSelectorValue),
      fingerprint: query.fingerprint ? srv.replace(query.fingerprint, scopedVars) : query.fingerprint,
    };
  }

  query(request: DataQueryRequest<TalusQuery>): Observable<DataQueryResponse> {
    if (request.liveStreaming) {
      return this.tail(request);
    }
    return super.query(request);
  }

  /** Live tail: one Grafana Live channel per logs target, tail/<hash of the query>. */
  tail(request: DataQueryRequest<TalusQuery>): Observable<DataQueryResponse> {
    const streams = request.targets
      .filter((t) => !t.hide && (t.queryType ?? 'logs') === 'logs')
      .map((t) => {
        const q = this.applyTemplateVariables(t, request.scopedVars);
        const data = { queryType: 'logs', query: q.query ?? '', fingerprint: q.fingerprint ?? '' };
        return getGrafanaLiveSrv().getDataStream({
          key: `${request.requestId}-${t.refId}`,
          addr: {
            scope: LiveChannelScope.DataSource,
            stream: this.uid,
            // Grafana 11 reads namespace, 12+ reads stream.
            namespace: this.uid,
            path: `tail/${shortHash(JSON.stringify(data))}`,
            data,
          },
          buffer: { maxLength: t.limit || 1000 },
        });
      });
    return merge(...streams);
  }

  // Supplementary queries: the full-range logs volume histogram in Explore.

  getSupportedSupplementaryQueryTypes(): SupplementaryQueryType[] {
    return [SupplementaryQueryType.LogsVolume];
  }

  getSupplementaryQuery(options: SupplementaryQueryOptions, query: TalusQuery): TalusQuery | undefined {
    if (options.type !== SupplementaryQueryType.LogsVolume || query.hide || (query.queryType ?? 'logs') !== 'logs') {
      return undefined;
    }
    return {
      refId: VOLUME_REFID_PREFIX + query.refId,
      queryType: 'logsVolume',
      query: query.query ?? '',
      fingerprint: query.fingerprint,
      datasource: query.datasource,
    };
  }

  getSupplementaryRequest(
    type: SupplementaryQueryType,
    request: DataQueryRequest<TalusQuery>
  ): DataQueryRequest<TalusQuery> | undefined {
    if (type !== SupplementaryQueryType.LogsVolume) {
      return undefined;
    }
    const targets = request.targets
      .map((q) => this.getSupplementaryQuery({ type }, q))
      .filter((q): q is TalusQuery => q !== undefined);
    if (targets.length === 0) {
      return undefined;
    }
    return { ...request, targets, hideFromInspector: true };
  }

  // Log context: rows before/after a row of the same resource.

  showContextToggle(): boolean {
    return true;
  }

  /** The query that finds the row's neighbours: its resource's selector. */
  async getLogRowContextQuery(row: LogRowModel, options?: LogRowContextOptions): Promise<TalusQuery> {
    return {
      refId: 'context',
      queryType: 'logs',
      query: selectorFromLabels(row.labels ?? {}),
      limit: options?.limit ?? CONTEXT_LIMIT,
    };
  }

  async getLogRowContext(row: LogRowModel, options?: LogRowContextOptions): Promise<DataQueryResponse> {
    const q = await this.getLogRowContextQuery(row, options);
    const direction = options?.direction === LogRowContextQueryDirection.Forward ? 'forward' : 'backward';
    const target: TalusQuery = {
      ...q,
      refId: `context-${direction}`,
      context: { timeNs: row.timeEpochNs, direction, id: rowId(row) },
    };
    const at = Math.floor(row.timeEpochMs);
    const range = contextRange(at);
    const request = {
      targets: [target],
      range,
      rangeRaw: range.raw,
      requestId: `talus-context-${direction}-${row.uid}`,
      interval: '1s',
      intervalMs: 1000,
      scopedVars: options?.scopedVars ?? {},
      timezone: 'UTC',
      app: 'explore',
      startTime: Date.now(),
    } as unknown as DataQueryRequest<TalusQuery>;
    return lastValueFrom(super.query(request));
  }

  // Filters from log details ("filter for value", "filter out value").

  toggleQueryFilter(query: TalusQuery, filter: ToggleFilterAction): TalusQuery {
    const { key, value } = filter.options;
    if (!key || value === undefined) {
      return query;
    }
    const op = filter.type === 'FILTER_OUT' ? '!=' : '=';
    return { ...query, query: toggleMatcher(query.query ?? '', key, op, value) };
  }

  queryHasFilter(query: TalusQuery, filter: QueryFilterOptions): boolean {
    return hasMatcher(query.query ?? '', filter.key, '=', filter.value);
  }

  getQueryDisplayText(query: TalusQuery): string {
    return `${query.queryType ?? 'logs'}: ${query.query ?? ''}${query.fingerprint ? ' fingerprint=' + query.fingerprint : ''}`;
  }

  // Autocompletion for the query editor (backend resource calls).

  /**
   * Dashboard variables ("query" type): label_names() lists attribute names,
   * label_values(NAME) the values of one attribute, over the dashboard range.
   */
  async metricFindQuery(query: string, options?: { range?: TimeRange }): Promise<MetricFindValue[]> {
    const q = (query ?? '').trim();
    let values: string[];
    const m = q.match(/^label_values\(\s*([^)\s]+)\s*\)$/);
    if (m) {
      values = await this.getLabelValues(m[1], options?.range);
    } else if (/^label_names\(\s*\)$/.test(q)) {
      values = await this.getLabelNames(options?.range);
    } else {
      throw new Error(`unknown variable query "${q}": use label_names() or label_values(attribute.name)`);
    }
    return values.map((text) => ({ text, value: text }));
  }

  async getLabelNames(range?: TimeRange): Promise<string[]> {
    return this.getResource<string[]>('labels', rangeParams(range));
  }

  async getLabelValues(name: string, range?: TimeRange): Promise<string[]> {
    return this.getResource<string[]>(`label/${encodeURIComponent(name)}/values`, rangeParams(range));
  }
}

/** The row's id field (LogEntry.ID); Grafana's uid is "<refId>_<id>". */
export function rowId(row: LogRowModel): string {
  if (row.rowId) {
    return row.rowId;
  }
  const frame: DataFrame | undefined = row.dataFrame;
  const idField = frame?.fields.find((f) => f.name === 'id');
  if (idField) {
    return String(idField.values[row.rowIndex]);
  }
  return row.uid;
}

function contextRange(atMs: number): TimeRange {
  // The backend reads context.timeNs; the range only tells Grafana what the request covers.
  const from = dateTime(atMs - 24 * 3600 * 1000);
  const to = dateTime(atMs + 24 * 3600 * 1000);
  return { from, to, raw: { from, to } };
}

function rangeParams(range?: TimeRange): Record<string, string> {
  if (!range) {
    return {};
  }
  return { start: String(range.from.valueOf()), end: String(range.to.valueOf()) };
}

/**
 * Template variable values go inside double-quoted selector strings (Go
 * string syntax): a single value is string-escaped; several values (a
 * multi-value variable, used with =~) become a regex alternation of
 * regex-escaped values, then string-escaped. Custom "All" values (.*) are
 * not passed through here by Grafana.
 */
export function formatSelectorValue(value: string | string[]): string {
  if (Array.isArray(value)) {
    const re = value.length === 1 ? escapeRegex(value[0]) : '(' + value.map(escapeRegex).join('|') + ')';
    return escapeString(re);
  }
  return escapeString(String(value));
}

function escapeString(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

import { DataQuery, DataSourceJsonData } from '@grafana/data';

/** The query types the backend answers (pkg/plugin/query.go). */
export type QueryType = 'logs' | 'topErrors' | 'errorTrend' | 'logsVolume';

export const QUERY_TYPES: Array<{ value: QueryType; label: string; description: string }> = [
  { value: 'logs', label: 'Logs', description: 'Latest log records for a selector, newest first' },
  { value: 'topErrors', label: 'Top errors', description: 'Error fingerprints sorted by count' },
  { value: 'errorTrend', label: 'Error trend', description: 'Error counts over time (usable in alert rules)' },
  { value: 'logsVolume', label: 'Logs volume', description: 'Record counts per level over time' },
];

/** Direction of a log context query. */
export type ContextDirection = 'backward' | 'forward';

/** TalusQuery is the query model; the backend reads it as queryModel. */
export interface TalusQuery extends DataQuery {
  queryType?: QueryType;
  /** Stream selector with optional line filters: {service.name="checkout"} |= "timeout". */
  query?: string;
  /** Row limit (logs) or number of groups (topErrors, errorTrend). */
  limit?: number;
  /** Narrows logs to one error fingerprint, or errorTrend to one series. */
  fingerprint?: string;
  /** errorTrend grouping. */
  groupBy?: 'fingerprint' | 'service' | 'total';
  /** Set by log context requests only. */
  context?: { timeNs: string; direction: ContextDirection; id: string };
}

export const DEFAULT_QUERY: Partial<TalusQuery> = {
  queryType: 'logs',
  query: '',
  limit: 1000,
};

/** jsonData of the datasource settings. */
export interface TalusOptions extends DataSourceJsonData {
  /** Tenant sent as X-Talus-Instance; empty means "default". */
  instance?: string;
  /** Per-call timeout in seconds; default 30. */
  timeoutSeconds?: number;
}

/** secureJsonData of the datasource settings. */
export interface TalusSecureOptions {
  token?: string;
}

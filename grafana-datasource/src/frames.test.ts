import {
  DataFrame,
  DataFrameType,
  dataFrameFromJSON,
  FieldType,
  LogLevel,
  StreamingDataFrame,
} from '@grafana/data';

import { goldenFrames } from './test/golden';

// The golden frames come from the Go handler tests; these tests read them the
// way Grafana does (dataFrameFromJSON) and check the documented contracts:
// dataplane log-lines, a sortable table with a data link, and numeric,
// zero-filled timeseries-multi frames.

function frames(name: string): DataFrame[] {
  return goldenFrames(name).map((f) => dataFrameFromJSON(f));
}

function field(f: DataFrame, name: string) {
  const fd = f.fields.find((x) => x.name === name);
  if (!fd) {
    throw new Error(`frame ${f.name} has no field ${name}`);
  }
  return fd;
}

const LEVELS = new Set<string>(Object.values(LogLevel));

describe('logs frame', () => {
  const [f] = frames('logs');

  it('is a dataplane log-lines frame Grafana shows as logs', () => {
    expect(f.meta?.type).toBe(DataFrameType.LogLines);
    expect(f.meta?.preferredVisualisationType).toBe('logs');
    expect(f.meta?.custom?.limit).toBe(3);
    expect(field(f, 'timestamp').type).toBe(FieldType.time);
    expect(field(f, 'body').type).toBe(FieldType.string);
    expect(field(f, 'severity').type).toBe(FieldType.string);
    expect(field(f, 'id').type).toBe(FieldType.string);
    expect(field(f, 'labels').type).toBe(FieldType.other);
  });

  it('keeps nanoseconds and is newest first', () => {
    const ts = field(f, 'timestamp');
    expect(ts.nanos).toBeDefined();
    const ns = ts.values.map((ms: number, i: number) => BigInt(ms) * 1000000n + BigInt(ts.nanos![i]));
    expect(ns[0]).toBe(1795521599873456791n);
    for (let i = 1; i < ns.length; i++) {
      expect(ns[i - 1] > ns[i]).toBe(true);
    }
  });

  it('has levels Grafana knows and unique ids', () => {
    for (const s of field(f, 'severity').values) {
      expect(LEVELS.has(s)).toBe(true);
    }
    const ids = field(f, 'id').values;
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('carries the resource as labels objects', () => {
    const labels = field(f, 'labels').values[0];
    expect(labels).toEqual({ 'host.name': 'node-1', 'k8s.job.name': 'etl-nightly', 'service.name': 'checkout' });
    expect(field(f, 'body').values[2]).toBe('{"msg":"cache stats","hits":12,"misses":3}');
  });
});

describe('top errors frame', () => {
  const [f] = frames('top_errors');

  it('is sorted by count with a link to the logs of a fingerprint', () => {
    const counts = field(f, 'count').values;
    expect(counts).toEqual([42, 7, 1]);
    const fp = field(f, 'fingerprint');
    const link = fp.config.links?.[0];
    expect(link?.title).toBe('Show logs');
    expect(link?.internal?.datasourceUid).toBe('talus');
    expect(link?.internal?.query).toMatchObject({ queryType: 'logs', fingerprint: '${__value.raw}' });
    expect(field(f, 'first_seen').type).toBe(FieldType.time);
    expect(field(f, 'trend').values[0]).toMatch(/^[▁▂▃▄▅▆▇█]+$/);
  });
});

describe('time series frames', () => {
  it.each(['error_trend_fingerprint', 'error_trend_one', 'error_trend_total', 'error_trend_service', 'logs_volume'])(
    '%s: numeric, ascending, zero-filled',
    (name) => {
      const fs = frames(name);
      expect(fs.length).toBeGreaterThan(0);
      const len = fs[0].length;
      for (const f of fs) {
        expect(f.meta?.type).toBe(DataFrameType.TimeSeriesMulti);
        const [time, value] = f.fields;
        expect(time.type).toBe(FieldType.time);
        expect(value.type).toBe(FieldType.number);
        expect(f.length).toBe(len);
        for (let i = 1; i < time.values.length; i++) {
          expect(time.values[i]).toBeGreaterThan(time.values[i - 1]);
        }
        expect(value.values.every((v: number) => Number.isFinite(v) && v >= 0)).toBe(true);
      }
    }
  );

  it('volume series are labelled with Grafana levels', () => {
    for (const f of frames('logs_volume')) {
      expect(LEVELS.has(f.fields[1].labels!.level)).toBe(true);
    }
  });
});

describe('live tail frames', () => {
  it('append in a StreamingDataFrame the way Grafana Live buffers them', () => {
    // The backend sends each batch with its schema (data.IncludeAll); the same
    // schema must append, not reset the panel's rows.
    // Each message is freshly parsed JSON, as from the websocket (the frame
    // keeps the first message's arrays, so the same object must not be pushed twice).
    const batch = () => goldenFrames('logs')[0];
    const stream = StreamingDataFrame.fromDataFrameJSON(batch(), { maxLength: 5 });
    expect(stream.length).toBe(3);
    stream.push(batch());
    expect(stream.length).toBe(5); // capped by maxLength, oldest dropped
    expect(stream.meta?.type).toBe(DataFrameType.LogLines);
    expect(stream.fields.map((f) => f.name)).toEqual(batch().schema!.fields.map((f) => f.name));
    expect(field(stream, 'id').values).toEqual([
      '000000000000a003',
      '000000000000a004',
      '000000000000a002',
      '000000000000a003',
      '000000000000a004',
    ]);
  });
});

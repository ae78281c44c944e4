import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataFrameJSON } from '@grafana/data';

/** The golden frames the Go handler tests write (pkg/plugin/testdata/frames), as Grafana forwards them. */
export function goldenFrames(name: string): DataFrameJSON[] {
  const path = resolve(__dirname, '../../pkg/plugin/testdata/frames', name + '.json');
  return JSON.parse(readFileSync(path, 'utf8'));
}

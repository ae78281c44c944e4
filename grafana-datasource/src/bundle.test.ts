import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaUI from '@grafana/ui';
import * as React from 'react';
import * as rxjs from 'rxjs';

// The shipped bundle (dist/module.js, built by `make dist`/`make test` before
// vitest runs) is an AMD module; Grafana's SystemJS loader hands it Grafana's
// own React, @grafana/* and rxjs. Load it the same way and check what it exports.
const bundle = resolve(__dirname, '../dist/module.js');

describe('dist/module.js', () => {
  it('is an AMD module that needs only what Grafana provides and exports the plugin', () => {
    expect(existsSync(bundle), `${bundle} missing: run make -C grafana-datasource frontend`).toBe(true);
    const provided: Record<string, unknown> = {
      react: React,
      '@grafana/data': grafanaData,
      '@grafana/runtime': grafanaRuntime,
      '@grafana/ui': grafanaUI,
      rxjs,
    };
    let deps: string[] = [];
    const exports: Record<string, any> = {};
    const define = (d: string[], factory: (...args: unknown[]) => void) => {
      deps = d;
      factory(
        ...d.map((name) => {
          if (name === 'exports') {
            return exports;
          }
          if (name === 'require') {
            return () => {
              throw new Error('dynamic require');
            };
          }
          if (!(name in provided)) {
            throw new Error(`the bundle needs ${name}, which Grafana does not provide`);
          }
          return provided[name];
        })
      );
    };
    new Function('define', readFileSync(bundle, 'utf8'))(define);
    expect(deps).toContain('@grafana/data');
    expect(exports.plugin).toBeInstanceOf(grafanaData.DataSourcePlugin);
    expect(exports.plugin.components.QueryEditor).toBeTypeOf('function');
    expect(exports.plugin.components.ConfigEditor).toBeTypeOf('function');
    expect(exports.plugin.DataSourceClass.name).toBeTruthy();
  });
});

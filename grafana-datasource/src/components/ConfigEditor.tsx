import React, { ChangeEvent } from 'react';
import { DataSourcePluginOptionsEditorProps } from '@grafana/data';
import { Field, FieldSet, Input, SecretInput } from '@grafana/ui';

import { TalusOptions, TalusSecureOptions } from '../types';

type Props = DataSourcePluginOptionsEditorProps<TalusOptions, TalusSecureOptions>;

/** ConfigEditor edits url, jsonData.instance, jsonData.timeoutSeconds and secureJsonData.token. */
export function ConfigEditor({ options, onOptionsChange }: Props) {
  const { jsonData, secureJsonFields } = options;
  const secureJsonData = (options.secureJsonData ?? {}) as TalusSecureOptions;

  const onURL = (e: ChangeEvent<HTMLInputElement>) => onOptionsChange({ ...options, url: e.target.value });
  const onInstance = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, jsonData: { ...jsonData, instance: e.target.value } });
  const onTimeout = (e: ChangeEvent<HTMLInputElement>) => {
    const n = parseInt(e.target.value, 10);
    onOptionsChange({ ...options, jsonData: { ...jsonData, timeoutSeconds: Number.isFinite(n) && n > 0 ? n : undefined } });
  };
  const onToken = (e: ChangeEvent<HTMLInputElement>) =>
    onOptionsChange({ ...options, secureJsonData: { ...secureJsonData, token: e.target.value } });
  const onResetToken = () =>
    onOptionsChange({
      ...options,
      secureJsonFields: { ...secureJsonFields, token: false },
      secureJsonData: { ...secureJsonData, token: '' },
    });

  return (
    <FieldSet label="Talus">
      <Field label="URL" description="The Talus query API, e.g. http://127.0.0.1:7070" required>
        <Input
          id="talus-url"
          data-testid="talus-config-url"
          value={options.url ?? ''}
          placeholder="http://127.0.0.1:7070"
          width={48}
          onChange={onURL}
        />
      </Field>
      <Field label="Instance" description="Tenant sent as X-Talus-Instance; empty means the server's default">
        <Input
          id="talus-instance"
          data-testid="talus-config-instance"
          value={jsonData.instance ?? ''}
          placeholder="default"
          width={32}
          onChange={onInstance}
        />
      </Field>
      <Field label="Token" description="Sent as a bearer token; stored encrypted by Grafana">
        <SecretInput
          id="talus-token"
          data-testid="talus-config-token"
          isConfigured={Boolean(secureJsonFields?.token)}
          value={secureJsonData.token ?? ''}
          placeholder="token"
          width={48}
          onReset={onResetToken}
          onChange={onToken}
        />
      </Field>
      <Field label="Timeout (s)" description="Per API call; default 30">
        <Input
          id="talus-timeout"
          data-testid="talus-config-timeout"
          type="number"
          value={jsonData.timeoutSeconds ?? ''}
          placeholder="30"
          width={12}
          onChange={onTimeout}
        />
      </Field>
    </FieldSet>
  );
}

import React, { ChangeEvent, useEffect, useState } from 'react';
import { QueryEditorProps, SelectableValue } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup, Select, TextArea } from '@grafana/ui';

import { DataSource } from '../datasource';
import { toggleMatcher } from '../selector';
import { QUERY_TYPES, QueryType, TalusOptions, TalusQuery } from '../types';

type Props = QueryEditorProps<DataSource, TalusQuery, TalusOptions>;

const GROUP_BY: Array<SelectableValue<TalusQuery['groupBy']>> = [
  { value: 'fingerprint', label: 'Fingerprint' },
  { value: 'service', label: 'Service' },
  { value: 'total', label: 'Total' },
];

const DEFAULT_LIMIT: Record<QueryType, number | undefined> = {
  logs: 1000,
  topErrors: 20,
  errorTrend: 20,
  logsVolume: undefined,
};

/**
 * QueryEditor: a query type switch, the selector with line filters, a label
 * browser (attribute names and values from the backend) that adds matchers,
 * and the fields each query type uses.
 */
export function QueryEditor({ query, onChange, onRunQuery, datasource, range }: Props) {
  const queryType: QueryType = query.queryType ?? 'logs';
  const [names, setNames] = useState<Array<SelectableValue<string>>>([]);
  const [name, setName] = useState<string | undefined>();
  const [values, setValues] = useState<Array<SelectableValue<string>>>([]);
  const [loadError, setLoadError] = useState<string | undefined>();

  const rangeFrom = range?.from.valueOf();
  const rangeTo = range?.to.valueOf();
  useEffect(() => {
    let live = true;
    datasource
      .getLabelNames(range)
      .then((ns) => live && setNames(ns.map((n) => ({ value: n, label: n }))))
      .catch((e) => live && setLoadError(String(e?.message ?? e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasource, rangeFrom, rangeTo]);

  useEffect(() => {
    if (!name) {
      setValues([]);
      return;
    }
    let live = true;
    datasource
      .getLabelValues(name, range)
      .then((vs) => live && setValues(vs.map((v) => ({ value: v, label: v }))))
      .catch((e) => live && setLoadError(String(e?.message ?? e)));
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [datasource, name, rangeFrom, rangeTo]);

  const update = (patch: Partial<TalusQuery>, run = false) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };

  const onType = (t: QueryType) => update({ queryType: t, limit: DEFAULT_LIMIT[t] }, true);
  const onQuery = (e: ChangeEvent<HTMLTextAreaElement>) => update({ query: e.target.value });
  const onLimit = (e: ChangeEvent<HTMLInputElement>) => {
    const n = parseInt(e.target.value, 10);
    update({ limit: Number.isFinite(n) && n > 0 ? n : undefined });
  };
  const onFingerprint = (e: ChangeEvent<HTMLInputElement>) => update({ fingerprint: e.target.value || undefined });
  const onValue = (v: SelectableValue<string>) => {
    if (name && v?.value !== undefined) {
      update({ query: toggleMatcher(query.query ?? '', name, '=', v.value) }, true);
    }
  };

  return (
    <div data-testid="talus-query-editor">
      <InlineFieldRow>
        <InlineField label="Query type" labelWidth={14}>
          <RadioButtonGroup<QueryType>
            options={QUERY_TYPES.map((t) => ({ value: t.value, label: t.label, description: t.description }))}
            value={queryType}
            onChange={onType}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Selector"
          labelWidth={14}
          grow
          tooltip='Stream selector on resource attributes with optional line filters, e.g. {service.name="checkout"} |= "timeout"'
        >
          <TextArea
            data-testid="talus-query-input"
            aria-label="Selector"
            rows={2}
            value={query.query ?? ''}
            placeholder='{service.name="checkout"} |= "timeout"'
            onChange={onQuery}
            onBlur={onRunQuery}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.shiftKey || e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                onRunQuery();
              }
            }}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField label="Attribute" labelWidth={14} error={loadError} invalid={Boolean(loadError)}>
          <Select
            inputId="talus-label-name"
            aria-label="Attribute name"
            width={30}
            options={names}
            value={name ?? null}
            placeholder="attribute"
            onChange={(v) => setName(v?.value)}
          />
        </InlineField>
        <InlineField label="=" labelWidth={4}>
          <Select
            inputId="talus-label-value"
            aria-label="Attribute value"
            width={30}
            options={values}
            value={null}
            disabled={!name}
            placeholder="value (adds a matcher)"
            onChange={onValue}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        {queryType !== 'logsVolume' && (
          <InlineField label={queryType === 'logs' ? 'Line limit' : 'Groups'} labelWidth={14}>
            <Input
              data-testid="talus-limit"
              aria-label="Limit"
              type="number"
              width={12}
              value={query.limit ?? ''}
              placeholder={String(DEFAULT_LIMIT[queryType] ?? '')}
              onChange={onLimit}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {(queryType === 'logs' || queryType === 'errorTrend' || queryType === 'logsVolume') && (
          <InlineField label="Fingerprint" labelWidth={14} tooltip="Only records of this error fingerprint">
            <Input
              data-testid="talus-fingerprint"
              aria-label="Fingerprint"
              width={30}
              value={query.fingerprint ?? ''}
              placeholder="any"
              onChange={onFingerprint}
              onBlur={onRunQuery}
            />
          </InlineField>
        )}
        {queryType === 'errorTrend' && (
          <InlineField label="Group by" labelWidth={14}>
            <Select
              inputId="talus-group-by"
              aria-label="Group by"
              width={20}
              options={GROUP_BY}
              value={query.groupBy ?? 'fingerprint'}
              onChange={(v) => update({ groupBy: v.value }, true)}
            />
          </InlineField>
        )}
      </InlineFieldRow>
    </div>
  );
}

import { App, Testing } from 'cdktf';
import { ConfigError, ConfigIssue, EgressModel, loadConfig, parseConfig } from '../../lib/model';
import { buildTerraformApp } from '../../lib/network/app';
import { HubStack } from '../../lib/network/hub-stack';
import { LevelStack } from '../../lib/network/level-stack';

export { BASE } from '../support/configs';

/** Five levels with address spaces unlike the default, and an extra port. */
export const FIVE_LEVELS = `name: plant
location: northeurope
levels:
  - name: l5
    addressSpace: 10.10.0.0/16
  - name: l4
    addressSpace: 10.20.0.0/20
  - name: l3
    addressSpace: 192.168.0.0/22
  - name: l2
    addressSpace: 10.30.0.0/18
  - name: l1
    addressSpace: 10.40.8.0/21
allowList:
  - domain: mcr.microsoft.com
  - domain: "*.blob.core.windows.net"
  - domain: broker.example.com
    ports: [8883]
  - domain: "{region}.obo.arc.azure.com"
    ports: [8084]
`;

export const defaultModel = (): EgressModel => loadConfig('infra/egress.yaml');
export const model = (text: string): EgressModel => parseConfig(text, 'egress.yaml');

/** Synthesizes every stack; returns each stack's parsed Terraform JSON by stack name (the levels', and `hub` with a hub). */
export function synthStacks(m: EgressModel): { stacks: LevelStack[]; hub?: HubStack; json: Record<string, TfJson>; app: App } {
  const app = Testing.app();
  const { levels: stacks, hub } = buildTerraformApp(app, m);
  const json: Record<string, TfJson> = {};
  for (const stack of [...(hub ? [hub] : []), ...stacks]) json[stack.node.id] = JSON.parse(Testing.synth(stack));
  return { stacks, hub, json, app };
}

/** The part of cdk.tf.json the tests read. */
export interface TfJson {
  resource: Record<string, Record<string, Record<string, any>>>;
  data?: Record<string, Record<string, Record<string, any>>>;
  output?: Record<string, { value: unknown }>;
  terraform?: Record<string, any>;
}

/** The one resource of `type` in a stack; fails the test unless there is exactly one. */
export function only(stack: TfJson, type: string): Record<string, any> {
  const list = resources(stack, type);
  expect([type, list.length]).toEqual([type, 1]);
  return list[0];
}

/** The Terraform reference to the `id` of the first resource of `type` that `where` accepts. */
export function idRef(stack: TfJson, type: string, where: (r: Record<string, any>) => boolean): string {
  const key = Object.entries(stack.resource[type] ?? {}).find(([, r]) => where(r))?.[0];
  if (!key) throw new Error(`no ${type} matches`);
  return `\${${type}.${key}.id}`;
}

/** Resources of one type, as a list. */
export const resources = (json: TfJson, type: string): Array<Record<string, any>> => Object.values(json.resource[type] ?? {});

/** The issues `fn` throws as a ConfigError; fails the test when it does not throw one. */
export function configIssues(fn: () => unknown): ConfigIssue[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return [...e.issues];
    throw e;
  }
  throw new Error('expected a ConfigError');
}

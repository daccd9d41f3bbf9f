/** Two levels, one entry: the smallest config; tests append or replace sections (line numbers in messages depend on it). */
export const BASE = `name: edge
location: westeurope
levels:
  - name: l4
    addressSpace: 172.16.0.0/16
  - name: l3
    addressSpace: 172.18.0.0/16
allowList:
  - domain: mcr.microsoft.com
`;

/** The domain values the foundation issue's acceptance list names: each must be refused with the value quoted and the rule. */
export const HOSTILE_DOMAINS: readonly string[] = [
  'evil.com\naddress=/#/6.6.6.6',
  'graph.microsoft.com/',
  '*contoso.com',
  'foo.*.com',
  'https://example.com',
  'example.com:443',
  '10.0.0.1',
  'a..b.com',
  '-lead.example.com',
  '*',
  '.leading.example.com',
  'x}{.example.com',
];

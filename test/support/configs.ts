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

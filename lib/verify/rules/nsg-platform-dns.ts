import { AZURE_PLATFORM_DNS_TAG, AZURE_PLATFORM_IP } from '../../model/azure-facts';
import { parseRange } from '../engines/addresses';
import { PLATFORM_DNS_EXEMPTION } from '../engines/nsg';
import { Finding, resultOf } from '../types';
import { outboundNsgDecisions } from '../world';
import { CheckContext, finding, levelsOf, Rule } from './rule';

const ID = 'nsg-platform-dns';
const PLATFORM = parseRange(AZURE_PLATFORM_IP)!;

/**
 * Below the top level, nodes and pods resolve only through the parent's dnsmasq. Azure's
 * platform DNS (168.63.129.16) answers every name, and NSG rules do not reach it unless
 * one names the `AzurePlatformDNS` service tag ("Azure network security groups overview",
 * Azure platform considerations; "Azure service tags overview"): without a Deny of that
 * tag, or with an Allow that matches the address first, a pod could tunnel data out
 * through Azure DNS past every proxy. Route tables do not help: the address "isn't
 * subject to user defined routes" ("What is IP address 168.63.129.16?").
 */
export const nsgPlatformDns: Rule = {
  id: ID,
  layer: 'nsg',
  description: `Below the top level, the node subnet's NSGs deny DNS (UDP and TCP 53) to Azure's platform DNS ${AZURE_PLATFORM_IP} by a rule naming the ${AZURE_PLATFORM_DNS_TAG} service tag, with no Allow matching it first.`,
  evaluate(ctx: CheckContext) {
    const lower = levelsOf(ctx).filter((lw) => lw.level.parent !== undefined && lw.nodeSubnet !== undefined);
    if (lower.length === 0) return { status: 'not-applicable', reason: 'single level' };
    const out: Finding[] = [];
    for (const lw of lower) {
      for (const protocol of ['Udp', 'Tcp'] as const) {
        const decisions = outboundNsgDecisions(ctx.world, lw, { protocol, port: 53, destination: { kind: 'range', range: PLATFORM } });
        if (!decisions.every((x) => x.d.access === 'Allow')) continue;
        const x = decisions[0];
        const flow = `${protocol} 53 to Azure's platform DNS ${AZURE_PLATFORM_IP}`;
        const message = !x
          ? `the node subnet has no NSG: nodes and pods reach ${flow}, which answers every name (a DNS tunnel past ${lw.level.parent}'s dnsmasq)`
          : x.d.rule === PLATFORM_DNS_EXEMPTION
            ? `no rule of NSG ${x.nsg.name ?? x.nsg.key} denies the ${AZURE_PLATFORM_DNS_TAG} service tag on ${protocol} 53: Azure lets ${flow} past every other rule, a DNS tunnel past ${lw.level.parent}'s dnsmasq`
            : `NSG ${x.nsg.name ?? x.nsg.key} rule ${x.d.rule.name} (priority ${x.d.rule.priority}) allows ${flow} before any deny of ${AZURE_PLATFORM_DNS_TAG}: a DNS tunnel past ${lw.level.parent}'s dnsmasq`;
        const source = !x ? lw.nodeSubnet!.source : x.d.rule === PLATFORM_DNS_EXEMPTION ? x.nsg.source : (x.d.rule.source ?? x.nsg.source);
        out.push(finding(ID, 'nsg', lw.level.name, message, { port: 53, source }));
      }
    }
    return resultOf(out);
  },
};

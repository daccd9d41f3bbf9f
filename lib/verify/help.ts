/** The help texts of `check` and `explain`, apart from the verifier so the CLI shows them without loading it. */

const COMMON_OPTIONS = `  --config <path>        Config file (default: $EGRESS_CONFIG, else infra/egress.yaml)
  --cdktf-out <dir>      Terraform output folder (default: cdktf.out)
  --manifests-out <dir>  Manifests output folder (default: manifests)
  -h, --help             Show this help`;

/** `layered-egress check --help`. */
export const CHECK_HELP = `Usage: layered-egress check [--json] [options]

Reads cdktf.out/ and manifests/ back and proves, for every level, that every allowed name
resolves to the proxy and is routed out on its ports, and that nothing else is: every
name the artifacts accept (Envoy server names, CoreDNS rewrites, dnsmasq answers and
zones, NSG rules) must be on the list, and unlisted names get what the DNS mode promises.
Each violation names level, name, port, engine, file and line, and the rule (docs/verify.md).

Options:
  --json                 Print the report as JSON (shape: docs/verify.md)
${COMMON_OPTIONS}

Exit codes: 0 everything holds (warnings allowed), 1 a violation (or no synthesized output), 2 invalid config, 64 usage error.`;

/** `layered-egress explain --help`. */
export const EXPLAIN_HELP = `Usage: layered-egress explain <name> [--from <level>] [--port <n>] [options]

Prints the path of one name hop by hop from a pod and from a node at a level: the CoreDNS
answer, each Envoy (Service, listener, chain, cluster, next hop) and each NSG's deciding
rule up to the internet, or where and why it stops; then the node's DNS answers.

Options:
  --from <level>         Start at this level (default: the bottom one)
  --port <n>             Only this TCP port (default: every port the list gives the name, else 443)
${COMMON_OPTIONS}

Exit codes: 0 the name behaves as the allow-list says, 1 it does not, 2 invalid config, 64 usage error (not a name, unknown level, bad port).`;

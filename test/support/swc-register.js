/**
 * Lets a child `node` process run the TypeScript sources directly (`node -r
 * ./test/support/swc-register.js child.ts`), compiled on the fly with @swc/core exactly
 * as jest's transform does, so fault-injection tests can SIGKILL a real process without
 * building dist/ first.
 */
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

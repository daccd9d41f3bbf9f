// Keeps every snapshot in the top-level __snapshots__/ folder, named after its test file,
// so a reviewer sees all generated-output changes in one place.
const path = require('path');
const root = path.resolve(__dirname, '..');
const snapDir = path.join(root, '__snapshots__');

module.exports = {
  resolveSnapshotPath: (testPath, ext) => path.join(snapDir, path.relative(path.join(root, 'test'), testPath).replace(/[\\/]/g, '__') + ext),
  resolveTestPath: (snapshotPath, ext) => path.join(root, 'test', path.basename(snapshotPath, ext).replace(/__/g, '/')),
  testPathForConsistencyCheck: path.join(root, 'test', 'model', 'example.test.ts'),
};

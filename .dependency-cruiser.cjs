/** Layer rules (docs/architecture.md). A violation fails `npm run lint` and so CI. */
const SDKS = '^(node_modules/)?(@aws-sdk|@google-cloud|firebase-tools|electron|better-sqlite3|pg|mysql2|isomorphic-git|nodemailer)';
module.exports = {
  forbidden: [
    {
      name: 'engine-no-sdk',
      comment: 'engine/ and repo/ use ports; SDKs, Electron and SQLite are wired in the composition root',
      severity: 'error',
      from: { path: '^src/main/(engine|repo)/' },
      to: { path: `${SDKS}|^src/main/(storage/(s3|gcs|open)|crypto/kms/aws-kms|catalog|host|serve|electron|cli)` },
    },
    {
      name: 'renderer-not-main',
      comment: 'the renderer talks to the host only through the contract in src/shared',
      severity: 'error',
      from: { path: '^src/renderer/' },
      to: { path: '^src/main/' },
    },
    {
      name: 'shared-is-leaf',
      severity: 'error',
      from: { path: '^src/shared/' },
      to: { path: '^src/(main|renderer)/' },
    },
    {
      name: 'lower-layers-not-upper',
      comment: 'arrows point down: cli/serve/electron -> host -> engine -> repo -> crypto, storage',
      severity: 'error',
      from: { path: '^src/main/(engine|repo|crypto|storage|sources|platform|scheduler|catalog|auth|audit)/' },
      to: { path: '^src/main/(cli|serve|electron|host)/' },
    },
    {
      name: 'platform-is-leaf',
      severity: 'error',
      from: { path: '^src/main/platform/' },
      to: { path: '^src/main/(?!platform/)' },
    },
    {
      name: 'no-electron-outside-shell',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main/electron/' },
      to: { path: '^(node_modules/)?electron' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.test\\.ts$|^src/.*\\.js$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};

/** Feature boundaries (ARCHITECTURE.md): run by `npm run lint`. */
const FEATURES = '(audit|auth|backup|exports|firms|health|home|imports|investors|people|rounds|seed|sessions|users)';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'Two modules (and so two features, since features meet only through index.ts) must not import each other.',
      from: { path: '^(server|models)/' },
      to: { circular: true },
    },
    {
      name: 'feature-through-index',
      severity: 'error',
      comment: 'Another feature is reached through its index.ts, its public face, never its inner files.',
      from: { path: `^server/${FEATURES}/` },
      to: { path: `^server/${FEATURES}/(?!index\\.ts$)`, pathNot: ['^server/$1/'] },
    },
    {
      name: 'models-from-services',
      severity: 'error',
      comment:
        'Only services (and start-up, seed, backup code) read and write models; controllers, routes and rules do not.',
      from: {
        path: '^server/',
        pathNot: [
          '\\.service\\.ts$',
          '^server/(index|app)\\.ts$',
          '^server/(db|seed|backup|sessions)/',
          '^server/[^/]+/index\\.ts$',
        ],
      },
      to: { path: '^models/', pathNot: ['^models/enums\\.ts$'] },
    },
    {
      name: 'pure-rules',
      severity: 'error',
      comment: 'Rule modules are pure: no database code, no services, no Express.',
      from: { path: '(-rules|-rows|row-decision|cell-values|three-way-merge|money|dates|keyset)\\.ts$' },
      to: { path: ['^models/(?!enums\\.ts$)', '\\.service\\.ts$', 'node_modules/(mongoose|mongodb|express)/'] },
    },
    {
      name: 'no-test-code-in-app',
      severity: 'error',
      from: { path: '^(server|models)/' },
      to: { path: '^test/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
      extensions: ['.ts', '.js'],
    },
  },
};

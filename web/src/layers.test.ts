import { describe, expect, it } from 'vitest';

/**
 * Layering: the shared layers never import a feature. Features may import the shared layers (and,
 * where they build on each other, other features); only the composition root (App.tsx, via
 * features/index.ts) puts features and shell together.
 */
const SHARED_LAYERS = ['api', 'auth', 'lib', 'player', 'shell', 'ui', 'test'];

// Every source file of the shared layers, as text (Vite's glob; the generated schema is left out).
const sources = import.meta.glob(['./{api,auth,lib,player,shell,ui,test}/**/*.{ts,tsx}', '!./api/schema.d.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
}) as Record<string, string>;

const SPECIFIER = /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a file imports (static, side-effect, re-export and dynamic imports). */
export function importsOf(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** `spec` imported by `file` (both relative to src/, e.g. `./shell/nav.ts`), as a path under src/. */
function resolveFrom(file: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const parts = file.replace(/^\.\//, '').split('/').slice(0, -1);
  for (const seg of spec.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  return parts.join('/');
}

/** Why `file` may not import `spec`, or null if it may. */
export function forbidden(file: string, spec: string): string | null {
  const target = resolveFrom(file, spec);
  if (target === null) return /(^|\/)features(\/|$)/.test(spec) ? 'imports a feature' : null;
  if (target === 'features' || target.startsWith('features/')) return 'imports a feature';
  // App.tsx assembles every feature; integration tests may render it, shared code may not.
  if (/^App(\.tsx?)?$/.test(target) && !/\.test\.tsx?$/.test(file)) return 'imports the composition root (App)';
  return null;
}

function violations(files: Record<string, string>): string[] {
  return Object.entries(files).flatMap(([file, source]) =>
    importsOf(source).flatMap((spec) => {
      const why = forbidden(file, spec);
      return why ? [`${file}: ${why} ('${spec}')`] : [];
    }),
  );
}

describe('layering', () => {
  it('scans every shared layer', () => {
    const layers = new Set(Object.keys(sources).map((f) => f.split('/')[1]));
    expect([...layers].sort()).toEqual([...SHARED_LAYERS].sort());
  });

  it('no shared layer (api, auth, lib, player, shell, ui, test) imports a feature', () => {
    expect(violations(sources)).toEqual([]);
  });

  it('catches every way of importing a feature', () => {
    expect(
      violations({
        './shell/a.tsx': "import { LoveButton } from '../features/listening/components/LoveButton';",
        './ui/b.tsx': "import type { Track } from '../features/library/api';\nexport { x } from \"../features\";",
        './player/c.ts': "const m = await import('../features/search/api');\nimport '../features/library/routes';",
        './api/d.ts': "import { y } from 'src/features/accounts/api';",
        './lib/e.ts': "import { AppRoutes } from '../App';",
        './player/f.test.tsx': "import { AppRoutes } from '../App';\nimport { useSearch } from '../features/search/api';",
      }),
    ).toEqual([
      "./shell/a.tsx: imports a feature ('../features/listening/components/LoveButton')",
      "./ui/b.tsx: imports a feature ('../features/library/api')",
      "./ui/b.tsx: imports a feature ('../features')",
      "./player/c.ts: imports a feature ('../features/search/api')",
      "./player/c.ts: imports a feature ('../features/library/routes')",
      "./api/d.ts: imports a feature ('src/features/accounts/api')",
      "./lib/e.ts: imports the composition root (App) ('../App')",
      "./player/f.test.tsx: imports a feature ('../features/search/api')",
    ]);
  });

  it('allows imports between shared layers and of packages', () => {
    expect(
      violations({
        './shell/a.tsx': "import { Cover } from '../ui/Cover';\nimport { usePlayer } from '../player/PlayerContext';\nimport { useRoutes } from 'react-router';",
        './ui/featuresque.tsx': "import { x } from './featuresList';",
      }),
    ).toEqual([]);
  });
});

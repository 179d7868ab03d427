import { relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { importsOf, REPO_ROOT, sourceFiles } from '../support/import-graph.js';

/** The files `npm run build` compiles into dist/, as TypeScript reads tsconfig.build.json. */
function builtFiles(): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(`${REPO_ROOT}/tsconfig.build.json`, undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error('tsconfig.build.json cannot be read');
  return parsed.fileNames.map((f) => relative(REPO_ROOT, f)).sort();
}

describe('the build', () => {
  const built = builtFiles();

  it('is every non-test file of src/ and nothing else', () => {
    expect(built).toEqual(sourceFiles('src'));
    expect(built.filter((f) => f.endsWith('.test.ts') || !f.startsWith('src/'))).toEqual([]);
  });

  it('ships no test support: nothing it builds imports vitest or a file outside src/', () => {
    const leaks = built.flatMap((file) =>
      importsOf(file)
        .filter(
          (e) =>
            e.to === 'vitest' || (e.to.includes('/') && !e.to.startsWith('src/') && e.to.endsWith('.ts')),
        )
        .map((e) => `${file} imports ${e.to}`),
    );
    expect(leaks).toEqual([]);
  });

  it('reads every test file under src/ as a test (nothing else there imports vitest)', () => {
    const vitestUsers = sourceFiles('src', true)
      .filter((f) => importsOf(f).some((e) => e.to === 'vitest'))
      .filter((f) => !f.endsWith('.test.ts'));
    expect(vitestUsers).toEqual([]);
  });
});

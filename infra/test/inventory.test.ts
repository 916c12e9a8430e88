import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderInventory } from './support/inventory.ts';
import { removeRunFolders, repositoryRoot, runStack } from './support/run-program.ts';

afterAll(removeRunFolders);

const update = process.env.UPDATE_INVENTORY === '1';

/**
 * Formats Markdown with the repository's formatter, so that the committed inventory also
 * passes `npm run lint`.
 */
function formatMarkdown(text: string, file: string): string {
  const biome = path.join(repositoryRoot, 'node_modules', '.bin', 'biome');
  return execFileSync(biome, ['format', `--stdin-file-path=${file}`], {
    cwd: repositoryRoot,
    input: text,
    encoding: 'utf8',
  });
}

describe.each(['prod', 'local'])('%s inventory', (stack) => {
  const file = path.join(repositoryRoot, 'infra', 'inventory', `${stack}.md`);

  it(update ? 'is regenerated' : 'matches the program', async () => {
    const run = await runStack(stack);
    const rendered = formatMarkdown(renderInventory(run, repositoryRoot), file);

    for (const secret of run.secretValues) expect(rendered.includes(secret)).toBe(false);
    if (update) {
      writeFileSync(file, rendered);
      return;
    }

    const committed = readFileSync(file, 'utf8');
    expect(
      committed === rendered,
      `infra/inventory/${stack}.md is stale: run \`npm run infra:inventory\` and commit the result`,
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import { fileNameProblem, maxFileNameLength } from '../../src/file-names.ts';

describe('fileNameProblem', () => {
  it.each([
    ['a plain name', 'report.pdf'],
    ['spaces and punctuation', 'Q3 report (final), v2.pdf'],
    ['non-Latin letters', 'Отчёт 年度.docx'],
    ['emoji', '🎉 party.png'],
    ['a leading dot', '.profile'],
    ['the maximum length', 'a'.repeat(maxFileNameLength)],
    ['the maximum length in astral characters', '😀'.repeat(maxFileNameLength)],
  ])('accepts %s', (_case, name) => {
    expect(fileNameProblem(name)).toBeUndefined();
  });

  it.each([
    ['an empty name', '', 'must not be empty'],
    ['a name over the maximum', 'a'.repeat(maxFileNameLength + 1), 'at most 255'],
    ['a slash', 'dir/file.txt', '"/"'],
    ['a backslash', '..\\..\\boot.ini', '"/"'],
    ['a NUL byte', 'file\u0000.txt', 'control'],
    ['a newline', 'file\n.txt', 'control'],
    ['a tab', 'file\t.txt', 'control'],
    ['DEL', 'file\u007f.txt', 'control'],
    ['a C1 control', 'file\u0085.txt', 'control'],
    ['a right-to-left override', 'evil\u202egnp.exe', 'bidirectional'],
    ['a right-to-left isolate', 'evil\u2067gnp.exe', 'bidirectional'],
    ['only spaces', '   ', 'blank'],
    ['a single dot', '.', '"." or ".."'],
    ['two dots', '..', '"." or ".."'],
  ])('rejects %s', (_case, name, expected) => {
    expect(fileNameProblem(name)).toContain(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { explained, splitStatements } from '../../src/inspect/sql-text.ts';

describe('the text of SQL statements', () => {
  it('splits at semicolons outside strings, identifiers, dollar quotes and comments', () => {
    expect(splitStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(splitStatements(`SELECT 'a;b', "c;d" FROM t; SELECT $$x;y$$, $tag$ ; $$ ; $tag$`)).toEqual([`SELECT 'a;b', "c;d" FROM t`, 'SELECT $$x;y$$, $tag$ ; $$ ; $tag$']);
    expect(splitStatements(`SELECT 'it''s;'; SELECT E'\\';'`)).toEqual([`SELECT 'it''s;'`, `SELECT E'\\';'`]);
    expect(splitStatements('SELECT 1 -- a; comment\n; /* x; /* nested; */ y; */ SELECT 2')).toEqual(['SELECT 1 -- a; comment', 'SELECT 2']);
    expect(splitStatements(' ;; -- only a comment\n ; SELECT $1')).toEqual(['SELECT $1']);
  });

  it('finds the statement an EXPLAIN explains, past ANALYZE, comments and an option list', () => {
    expect(explained('EXPLAIN ANALYZE CREATE OR REPLACE VIEW summary AS SELECT 1')).toBe('CREATE OR REPLACE VIEW summary AS SELECT 1');
    expect(explained('explain analyse /* ; */ -- x\n DROP VIEW summary')).toBe('DROP VIEW summary');
    expect(explained('EXPLAIN (FORMAT json) SELECT 1')).toBe('SELECT 1');
    expect(explained('EXPLAIN (SELECT 1)')).toBe('(SELECT 1)');
    expect(explained('EXPLAIN SELECT 1')).toBe('SELECT 1');
    expect(explained('EXPLAINED')).toBeUndefined();
    expect(explained('SELECT 1')).toBeUndefined();
  });
});

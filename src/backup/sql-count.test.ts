import { describe, expect, it } from 'vitest';
import { SqlRowCounter } from './sql-count.js';

const count = (dialect: 'mysql' | 'postgres', text: string, pieces = 7) => {
  const counter = new SqlRowCounter(dialect);
  // Fed in small pieces: lines and quoted strings are cut anywhere.
  for (let i = 0; i < text.length; i += pieces) counter.push(text.slice(i, i + pieces));
  return counter.end();
};

describe('SqlRowCounter', () => {
  it('counts the tuples of mariadb-dump extended inserts, per database and table', () => {
    const dump = [
      '-- MariaDB dump',
      'USE `shop`;',
      'CREATE TABLE `orders` (',
      '  `id` int NOT NULL',
      ');',
      "INSERT INTO `orders` VALUES (1,'a (b), c'),(2,'it''s \\\\ (x)'),(3,'\\'),(');",
      'INSERT INTO `orders` VALUES (4,NULL);',
      'CREATE TABLE `empty` (`x` int);',
      'USE `crm`;',
      'CREATE TABLE `weird``name` (`x` int);',
      'INSERT INTO `weird``name` (`x`) VALUES (1),(2);',
      '',
    ].join('\n');
    expect(count('mysql', dump)).toEqual({ 'crm.weird`name': 2, 'shop.empty': 0, 'shop.orders': 4 });
  });

  it('counts one tuple per line after a bare VALUES, as MariaDB 10.11 writes them', () => {
    const dump = [
      'USE `shop`;',
      'CREATE TABLE `items` (`id` int, `name` text);',
      'INSERT INTO `items` VALUES',
      "(1,'item 1'),",
      "(2,'semi; (colon)'),",
      "(3,'it''s;');",
      'INSERT INTO `items` VALUES',
      '(4,NULL);',
      "INSERT INTO `items` VALUES (5,'x'),(6,'y');",
      '',
    ].join('\n');
    expect(count('mysql', dump)).toEqual({ 'shop.items': 6 });
    expect(count('mysql', dump, 1)).toEqual({ 'shop.items': 6 });
  });

  it('reads a table or column name holding " VALUES" and a long column list', () => {
    const columns = Array.from({ length: 900 }, (_, i) => `\`column_${i}\``).join(', ');
    const dump = [
      'USE `shop`;',
      'INSERT INTO `odd VALUES (x)` VALUES (1),(2);',
      `INSERT INTO \`wide\` (${columns}) VALUES (1),(2),(3);`,
      '',
    ].join('\n');
    expect(count('mysql', dump, 4096)).toEqual({ 'shop.odd VALUES (x)': 2, 'shop.wide': 3 });
  });

  it('counts a large dump from Buffers cut anywhere, multi-line values included', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `(${i},'r\\'o,w ${i}')`);
    const text = `USE \`big\`;\nINSERT INTO \`t\` VALUES\n${rows.join(',\n')};\n`;
    const counter = new SqlRowCounter('mysql');
    const bytes = Buffer.from(text, 'latin1');
    for (let i = 0; i < bytes.length; i += 65_521) counter.push(bytes.subarray(i, i + 65_521));
    expect(counter.end()).toEqual({ 'big.t': 20_000 });
  });

  it('counts the rows of plain pg_dump COPY blocks', () => {
    const dump = [
      'COPY public.orders (id, note) FROM stdin;',
      '1\tfirst',
      '2\t\\\\.not the end',
      '\\.',
      'COPY public.empty (x) FROM stdin;',
      '\\.',
      '',
    ].join('\n');
    expect(count('postgres', dump)).toEqual({ 'public.empty': 0, 'public.orders': 2 });
    const two = [
      '\\connect shop',
      dump,
      '\\connect -reuse-previous=on "dbname=\'crm\'"',
      'COPY public.t (x) FROM stdin;',
      '1',
      '\\.',
      '',
    ].join('\n');
    expect(Object.keys(count('postgres', two))).toEqual([
      'crm.public.t',
      'shop.public.empty',
      'shop.public.orders',
    ]);
  });
});

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Manifest } from '../../api/backups.js';
import { createdDatabase, dumpDatabases } from './databases.js';

describe('the databases a dump creates', () => {
  it.each([
    ["CREATE DATABASE shop WITH TEMPLATE = template0 ENCODING = 'UTF8';", 'shop'],
    ['CREATE DATABASE "My ""odd"" db" WITH TEMPLATE = template0;', 'My "odd" db'],
    ['CREATE DATABASE /*!32312 IF NOT EXISTS*/ `shop` /*!40100 DEFAULT CHARACTER SET utf8mb4 */;', 'shop'],
    ['CREATE DATABASE /*!32312 IF NOT EXISTS*/ `we``ird`;', 'we`ird'],
    ['CREATE DATABASE IF NOT EXISTS `plain`;', 'plain'],
    ['CREATE DATABASE empty;', 'empty'],
  ])('reads %s', (line, name) => {
    expect(createdDatabase(line)).toBe(name);
  });

  it.each([
    '-- CREATE DATABASE shop',
    "INSERT INTO t VALUES ('CREATE DATABASE x');",
    'create database lower;',
    '',
  ])('ignores %j', (line) => {
    expect(createdDatabase(line)).toBeUndefined();
  });

  const manifest = (facts: Manifest['facts']) => ({ facts }) as Manifest;
  const dump = (text: string) => async () => Readable.from([Buffer.from(text)]);

  it('takes the manifest’s list when it has one, without reading the dump', async () => {
    const never = async (): Promise<Readable> => {
      throw new Error('the dump was read');
    };
    expect(await dumpDatabases(manifest({ tables: { 'a.t': 1 }, databases: ['a', 'b'] }), never)).toEqual([
      'a',
      'b',
    ]);
  });

  it('reads an older manifest’s dump for its CREATE DATABASE lines, empty databases too', async () => {
    const text =
      'SET x;\nCREATE DATABASE shop WITH TEMPLATE = template0;\n\\connect shop\nCREATE DATABASE empty;\n';
    expect(await dumpDatabases(manifest({ tables: { 'shop.public.items': 3 } }), dump(text))).toEqual([
      'shop',
      'empty',
    ]);
  });
});

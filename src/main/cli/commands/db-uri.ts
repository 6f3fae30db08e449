/** Database URIs on the command line: postgres://user[:password]@host:port/db, mariadb://… .
 * A password may also come from PGPASSWORD / MYSQL_PWD; it is never printed. */

import type { DatabaseInput } from '../../engine/backup/databases.js';
import { parseProfileUri } from '../../sources/profile.js';

export async function databaseFromUri(uri: string): Promise<DatabaseInput> {
  const { profile, password } = parseProfileUri(uri);
  const envPw = profile.kind === 'postgres' ? process.env.PGPASSWORD : process.env.MYSQL_PWD;
  const pw = password ?? envPw;
  return pw === undefined ? { profile } : { profile, password: pw };
}

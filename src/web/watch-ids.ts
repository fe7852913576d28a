import { randomBytes } from 'node:crypto';

// Watch ids name protected people ("alice"). A watch created in the dashboard gets the name typed
// plus a random suffix, always: refusing a taken id ("a watch "alice" already exists") would tell
// a proxy of one watch that another person is watched here, and so would a suffix added only on a
// collision. Watches of the configuration file keep the ids written there.

export async function opaqueWatchId(
  chosen: string,
  exists: (id: string) => Promise<boolean>,
): Promise<string> {
  for (;;) {
    const id = `${chosen.slice(0, 54)}-${randomBytes(4).toString('hex')}`;
    if (!(await exists(id))) return id;
  }
}

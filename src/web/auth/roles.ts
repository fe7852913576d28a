// The account roles, alone in a file so that the command line's definitions can name them without
// loading the repositories (and drizzle) at start-up.
export const ROLES = ['owner', 'proxy', 'reviewer'] as const;
export type Role = (typeof ROLES)[number];

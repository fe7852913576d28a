import { defineConfig } from 'drizzle-kit';

// The PostgreSQL store's migrations (database.url). `npm run db:generate` generates both dialects.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema-pg/*.ts',
  out: './migrations-pg',
});

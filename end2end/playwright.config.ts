import { defineConfig } from '@playwright/test';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';

// Each run starts the portal on a fresh SQLite database with demo data, on a port of its own.
// Workers read this file again: they inherit the runner's data directory through the
// environment, so a journey can read the mail the portal wrote there (no SMTP in the demo).
const port = Number(process.env.E2E_PORT ?? 3123);
const dataDir = (process.env.CYTRACK_E2E_DATA ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cytrack-e2e-')));
process.env.CYTRACK_E2E_MAIL_DIR = path.join(dataDir, 'mail');
const root = path.resolve(__dirname, '..');

export default defineConfig({
  testDir: './tests',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  // A journey that fails is run once more where E2E_RETRIES says so (.ci/run: CI's machine is
  // shared and noisy); the list then prints it as flaky rather than passed. Here, none.
  retries: Number(process.env.E2E_RETRIES ?? 0),
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
  webServer: {
    command: process.env.CYTRACK_SERVER_BIN ?? path.join(root, 'target/debug/server'),
    url: `http://127.0.0.1:${port}/login`,
    // The demo's year of tickets is seeded before the portal listens: about 20 s in a debug build.
    timeout: 180_000,
    reuseExistingServer: false,
    env: {
      DATABASE_URL: `sqlite://${dataDir}/portal.db?mode=rwc`,
      PORTAL_DATA_DIR: dataDir,
      PORTAL_DEMO_DATA: '1',
      LEPTOS_OUTPUT_NAME: 'cytrack',
      LEPTOS_SITE_ROOT: process.env.CYTRACK_SITE_ROOT ?? path.join(root, 'target/site'),
      LEPTOS_SITE_PKG_DIR: 'pkg',
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      RUST_LOG: 'warn',
      // E-mail in through the endpoint a mail provider's webhook calls (a journey plays it).
      PORTAL_INBOUND_SECRET: 'e2e-inbound-secret',
      // The journeys move the reminders job's clock forward (server/src/test_clock.rs).
      PORTAL_TEST_CLOCK: '1',
    },
  },
});

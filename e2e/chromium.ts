import type { LaunchOptions } from '@playwright/test';

/**
 * Debian's Chromium as every browser test here launches it (no browser is ever downloaded).
 * Without the background-networking flags it keeps trying hosts the closed network refuses.
 */
export const CHROMIUM: LaunchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

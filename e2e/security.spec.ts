import { expect, test } from '@playwright/test';
import { openApp } from './helpers.js';

test('the app is served with a Content-Security-Policy that allows no remote origin', async ({ page }) => {
  const response = await page.goto('/');
  const policy = response?.headers()['content-security-policy'] ?? '';
  expect(policy).toContain("default-src 'self'");
  expect(policy).toContain("script-src 'self' 'wasm-unsafe-eval'");
  expect(policy).toContain("object-src 'none'");
  expect(policy).not.toMatch(/https?:|\*/);
  await openApp(page);

  // The policy is enforced: no request to another origin, no inline script.
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
    const fetched = await fetch('https://example.com/').then(
      () => 'fetched',
      () => 'blocked',
    );
    const script = document.createElement('script');
    script.textContent = 'window.inlineRan = true';
    document.body.append(script);
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { fetched, inlineRan: 'inlineRan' in window, violations };
  });
  expect(outcome.fetched).toBe('blocked');
  expect(outcome.inlineRan).toBe(false);
  expect(outcome.violations).toEqual(expect.arrayContaining(['connect-src', 'script-src-elem']));
});

/** "Embed": the current job as an <iframe> of the /embed page, and as a <brine-job> element. */
import { useState } from 'react';
import { formatBytes } from '../../src/spec/memory';
import { jobYaml } from '../lib/jobYaml';
import { encodeShareHash, SHARE_LIMIT_BYTES } from '../lib/share';
import { setNotice, store } from '../state/store';

/** The job with its files inline, and its link hash; null (with a notice saying why) when it cannot have one. */
export function linkableJob(): { yaml: string; hash: string } | null {
  const { job, files } = store.getState();
  const { yaml, placeholders } = jobYaml(job, files, SHARE_LIMIT_BYTES);
  const hash = placeholders.length === 0 ? encodeShareHash(yaml) : null;
  if (hash !== null) return { yaml, hash };
  setNotice(
    placeholders.some((p) => p.reason === 'writable')
      ? 'A writable mount cannot be put in a link (inline sources are read-only): download the YAML instead.'
      : `The job's files are too large for a link (over ${formatBytes(SHARE_LIMIT_BYTES)} of YAML): download the YAML instead.`,
  );
  return null;
}

/** Where a page that installed the package serves its browser files (node_modules/brine/dist/browser). */
const ELEMENT_SRC = './brine/element.js';

/** The <brine-job> markup for `yaml`: in a <script> child, which the page does not show before the element loads. */
function elementSnippet(yaml: string): string {
  const job = /<\/script/i.test(yaml)
    ? yaml.replace(/&/g, '&amp;').replace(/</g, '&lt;')
    : `<script type="application/yaml">\n${yaml}</script>`;
  return `<script type="module" src="${ELEMENT_SRC}"></script>\n<brine-job>\n${job}\n</brine-job>`;
}

function Snippet({ label, testId, value }: { label: string; testId: string; value: string }) {
  return (
    <label className="embed-snippet">
      {label}
      <textarea readOnly rows={4} data-testid={testId} value={value} onFocus={(event) => event.target.select()} />
    </label>
  );
}

export function EmbedButton() {
  const [snippets, setSnippets] = useState<{ iframe: string; element: string } | null>(null);
  const embed = () => {
    const job = linkableJob();
    if (job === null) return setSnippets(null);
    const src = new URL(`embed${job.hash}`, new URL('.', location.href)).href;
    setSnippets({
      iframe: `<iframe src="${src}" title="Brine job" loading="lazy" style="width: 100%; height: 420px; border: 0"></iframe>`,
      element: elementSnippet(job.yaml),
    });
  };
  return (
    <>
      <button type="button" onClick={embed}>
        Embed
      </button>
      {snippets !== null && (
        <div className="embed-panel" data-testid="embed-panel">
          <Snippet
            label="On any page (runs on this site, add ?autorun to start at once):"
            testId="embed-iframe"
            value={snippets.iframe}
          />
          <Snippet
            label={`With the package (npm install brine; serve its dist/browser files at ${ELEMENT_SRC.replace('element.js', '')}):`}
            testId="embed-element"
            value={snippets.element}
          />
          <button type="button" className="small" onClick={() => setSnippets(null)}>
            Close
          </button>
        </div>
      )}
    </>
  );
}

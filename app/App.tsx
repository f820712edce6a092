import { GuestFilesystem } from './components/GuestFilesystem';
import { Header } from './components/Header';
import { ImportGraph } from './components/ImportGraph';
import { JobChecks } from './components/JobChecks';
import { JobFields } from './components/JobFields';
import { LogPane } from './components/LogPane';
import { ModuleList } from './components/ModuleList';
import { MountList } from './components/MountList';
import { NetworkRule } from './components/NetworkRule';
import { OutputFiles } from './components/OutputFiles';
import { OutputPaths } from './components/OutputPaths';
import { ResultPanel } from './components/ResultPanel';
import { TeachingNote } from './components/TeachingNote';
import { TracePane } from './components/TracePane';
import { YamlView } from './components/YamlView';

export function App() {
  return (
    <>
      <Header />
      <main className="layout">
        <section className="column job-column" aria-label="Job">
          <ModuleList />
          <MountList />
          <OutputPaths />
          <JobFields />
          <NetworkRule />
          <JobChecks />
          <YamlView />
        </section>
        <section className="column run-column" aria-label="Execution">
          <TeachingNote />
          <ResultPanel />
          <ImportGraph />
          <LogPane />
          <TracePane />
          <GuestFilesystem />
          <OutputFiles />
        </section>
      </main>
    </>
  );
}

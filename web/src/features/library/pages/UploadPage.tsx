import { PageHeader } from '../../../ui/PageHeader';
import { UploadManager } from '../components/UploadManager';

export function UploadPage() {
  return (
    <div>
      <PageHeader title="Upload" subtitle="Add music to your library. Each file uploads on its own, then is processed for streaming." />
      <UploadManager />
    </div>
  );
}

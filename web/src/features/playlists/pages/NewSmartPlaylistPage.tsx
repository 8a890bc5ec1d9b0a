import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { SmartDefinition } from '../../../api/types';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { PageHeader } from '../../../ui/PageHeader';
import { emptyDefinition, isComplete, SmartRulesEditor } from '../components/SmartRulesEditor';
import { useCreatePlaylist } from '../api';

/** A new smart playlist: a name, rules, order and limit, with a live preview. */
export function NewSmartPlaylistPage() {
  const create = useCreatePlaylist();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [def, setDef] = useState<SmartDefinition>(emptyDefinition);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = await create.mutateAsync({ name: name.trim(), kind: 'smart', rules: def.rules, sort: def.sort, limit: def.limit ?? null });
    void navigate(`/playlists/${made.id}`);
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="space-y-6" aria-label="New smart playlist">
      <PageHeader title="New smart playlist" subtitle="Tracks that match your rules, kept up to date as your library and listening change." />
      <label className="block max-w-md text-sm text-neutral-300">
        Name
        <input
          value={name}
          maxLength={200}
          required
          onChange={(e) => setName(e.target.value)}
          className="mt-1 w-full rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-2 text-white focus:border-accent-400 focus:outline-none"
        />
      </label>
      <SmartRulesEditor value={def} onChange={setDef} />
      {create.error && <ErrorAlert error={create.error} />}
      <div className="flex gap-2">
        <Button type="submit" busy={create.isPending} disabled={!name.trim() || !isComplete(def.rules)}>
          Save smart playlist
        </Button>
        <Button variant="secondary" onClick={() => void navigate('/playlists')}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

import { useId, useState, type FormEvent } from 'react';
import type { Playlist } from '../../../api/types';
import { Button } from '../../../ui/Button';
import { ErrorAlert } from '../../../ui/feedback';
import { PlusIcon } from '../../../ui/icons';
import { useCreatePlaylist } from '../api';

/** Name a new playlist; `onCreated` gets it (to add tracks to it, or to open it). */
export function NewPlaylistForm({ onCreated, submitLabel, placeholder, className = '' }: { onCreated: (p: Playlist) => void | Promise<void>; submitLabel: string; placeholder: string; className?: string }) {
  const create = useCreatePlaylist();
  const [name, setName] = useState('');
  const id = useId();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const made = await create.mutateAsync({ name: name.trim() });
    setName('');
    await onCreated(made);
  };
  return (
    <>
      <form onSubmit={(e) => void submit(e)} className={`flex gap-2 ${className}`}>
        <label htmlFor={id} className="sr-only">
          New playlist name
        </label>
        <input
          id={id}
          value={name}
          maxLength={200}
          onChange={(e) => setName(e.target.value)}
          placeholder={placeholder}
          className="min-w-0 flex-1 rounded-lg border border-neutral-700 bg-neutral-950 px-3 py-2 text-white placeholder:text-neutral-500 focus:border-accent-400 focus:outline-none"
        />
        <Button type="submit" disabled={!name.trim()} busy={create.isPending}>
          <PlusIcon className="h-4 w-4" /> {submitLabel}
        </Button>
      </form>
      {create.error ? <ErrorAlert error={create.error} /> : null}
    </>
  );
}

import { Link } from 'react-router';

export function NotFoundPage() {
  return (
    <div className="py-16 text-center">
      <h1 className="text-2xl font-bold text-white">Nothing playing here</h1>
      <p className="mt-2 text-neutral-400">That page does not exist.</p>
      <Link to="/" className="mt-6 inline-block text-accent-400 hover:underline">
        Back home
      </Link>
    </div>
  );
}

import { describeError } from '../../../api/problem';
import { useResendVerification } from '../api';

export function ResendVerification() {
  const mutation = useResendVerification();
  if (mutation.isSuccess) return <span className="font-medium">Link sent, check your inbox.</span>;
  return (
    <>
      <button type="button" className="font-medium underline disabled:opacity-60" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
        {mutation.isPending ? 'Sending…' : 'Resend the link'}
      </button>
      {mutation.isError && <span className="ml-2 text-red-300">{describeError(mutation.error).title}</span>}
    </>
  );
}

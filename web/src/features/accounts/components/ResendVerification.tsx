import { useMutation } from '@tanstack/react-query';
import { useApi } from '../../../auth/AuthContext';
import { describeError, unwrap } from '../../../api/problem';

export function ResendVerification() {
  const api = useApi();
  const mutation = useMutation({
    mutationFn: async () => unwrap(await api.POST('/api/v1/auth/email/verify/request')),
  });
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

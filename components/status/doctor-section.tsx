import 'server-only';
import { runDoctor } from '@/lib/doctor';
import { getStack } from '@/lib/stacks';
import { DoctorPanel } from './doctor-panel';

// Streamed in after the status (it looks into every container's filesystem): see the page's Suspense.
export async function DoctorSection({ stack }: { stack: string }) {
  return <DoctorPanel report={await runDoctor(getStack(stack))} />;
}

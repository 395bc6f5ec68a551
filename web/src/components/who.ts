// Who saved a version or the settings: the API gives the account's id; the signed-in
// user is named, anyone else shown by the start of their id (the full id on hover).
import { getSession } from "../auth/session";

export function whoSaved(userId: string | undefined): { text: string; title?: string } {
  if (!userId) return { text: "—" };
  const session = getSession();
  if (session && session.userId === userId) {
    return { text: session.displayName || session.username, title: userId };
  }
  return { text: userId.slice(0, 8), title: userId };
}

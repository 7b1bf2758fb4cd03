/**
 * "Facilitator" or "Co-facilitator" beside a name, from the server's roster by user id (see
 * `facilitatorRole`): a participant who names themselves like the facilitator gets no badge, and
 * neither does someone who has left the room. It brings its own space before it, so that the name
 * and the role are two words to a screen reader too.
 */

import { facilitatorRole } from "../derive";
import { useModel } from "./context";
import { tr } from "./text";

export function RoleBadge({ userId }: { userId: number }) {
  const role = facilitatorRole(useModel().room, userId);
  if (role === null) {
    return null;
  }
  return (
    <>
      {" "}
      <span class="badge badge-role">
        {tr(role === "facilitator" ? "roleFacilitator" : "roleCoFacilitator")}
      </span>
    </>
  );
}

// A ticket's way through hotline over HTTP/JSON, with a client generated
// from the server's OpenAPI description: openapi-typescript writes the
// types (hotline-api.d.ts beside this file), openapi-fetch makes the calls,
// and the TypeScript compiler checks every path, parameter and body
// against them. In a node project whose package.json says
// "type": "module", with openapi-fetch, openapi-typescript, typescript and
// @types/node installed (docs/api.md, "The OpenAPI description"):
//
//   npx openapi-typescript http://127.0.0.1:8080/v1/openapi.json \
//       -o hotline-api.d.ts
//   npx tsc --strict --module nodenext --target es2022 --types node \
//       ticket_client.ts
//   HOTLINE_URL=http://127.0.0.1:8080 HOTLINE_TOKEN=hl_... \
//   HOTLINE_DEPARTMENT=departments/housing HOTLINE_DEPARTMENT_TOKEN=hl_... \
//       node ticket_client.js
//
// The bureau (HOTLINE_TOKEN) creates a ticket dispatched to the department;
// the department (HOTLINE_DEPARTMENT_TOKEN) finds it in its list, signs for
// it (签收) and replies; signing for it again is refused, and the refusal's
// reason is read from the google.rpc.Status the server answers with.
import createClient from "openapi-fetch";

import type { components, paths } from "./hotline-api.js";

type Status = components["schemas"]["google.rpc.Status"];
type ErrorInfo = components["schemas"]["google.rpc.ErrorInfo"];

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`set ${name}`);
  return value;
}

// The reason of a refusal: the ErrorInfo among the status's details.
function reasonOf(status: Status): string {
  const info = status.details?.find(
    (detail): detail is ErrorInfo =>
      detail["@type"] === "type.googleapis.com/google.rpc.ErrorInfo",
  );
  return info?.reason ?? "(no reason)";
}

async function main(): Promise<void> {
  const baseUrl = env("HOTLINE_URL");
  const department = env("HOTLINE_DEPARTMENT");
  const bureau = createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${env("HOTLINE_TOKEN")}` },
  });
  const clerk = createClient<paths>({
    baseUrl,
    headers: { Authorization: `Bearer ${env("HOTLINE_DEPARTMENT_TOKEN")}` },
  });

  const created = await bureau.POST("/v1/tickets", {
    body: {
      ticket: {
        type: "COMPLAINT",
        topic: "噪音",
        title: "工地夜间施工",
        content: "某小区旁工地夜间施工,噪音扰民。",
      },
      dispatchTo: department,
      // The same requestId on a retry returns this ticket, not a second.
      requestId: `ticket-client-${Date.now()}`,
    },
  });
  if (created.error) throw new Error(created.error.message);
  const name = created.data.name ?? "";
  const id = name.replace(/^tickets\//, "");
  console.log(`created ${name}: ${created.data.state}`);

  const listed = await clerk.GET("/v1/tickets", {
    params: { query: { filter: "state = DISPATCHED", pageSize: 50 } },
  });
  if (listed.error) throw new Error(listed.error.message);
  const found = (listed.data.tickets ?? []).some((t) => t.name === name);
  console.log(`listed ${name}: ${found ? "yes" : "no"}`);

  const signed = await clerk.POST("/v1/tickets/{ticket}:acknowledge", {
    params: { path: { ticket: id } },
    body: {},
  });
  if (signed.error) throw new Error(signed.error.message);
  console.log(`signed for ${name}: ${signed.data.state}`);

  const replied = await clerk.POST("/v1/tickets/{ticket}:reply", {
    params: { path: { ticket: id } },
    body: { replyText: "已责令工地夜间停工。", outcome: "RESOLVED" },
  });
  if (replied.error) throw new Error(replied.error.message);
  console.log(`replied to ${name}: ${replied.data.state}`);

  const again = await clerk.POST("/v1/tickets/{ticket}:acknowledge", {
    params: { path: { ticket: id } },
    body: {},
  });
  if (!again.error) throw new Error("a second sign-for was accepted");
  console.log(
    `refused: HTTP ${again.response.status} ${reasonOf(again.error)}`,
  );
}

main().catch((error: unknown) => {
  console.error(`ticket_client: ${String(error)}`);
  process.exit(1);
});

#include "bench/workload.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"

namespace hotline::bench {

v1::CreateTicketRequest Draft() {
  v1::CreateTicketRequest request;
  v1::Ticket& t = *request.mutable_ticket();
  t.set_type(v1::Ticket::COMPLAINT);
  t.set_topic("噪音");
  t.set_title("工地夜间施工");
  t.set_content("每晚十点后仍在施工, 影响休息, 请有关部门处理。");
  t.set_address("城关镇建设路 12 号");
  t.set_caller_name("张三");
  t.set_caller_phone("13800000000");
  return request;
}

absl::StatusOr<Department> MakeDepartment(Client& bureau) {
  static std::atomic<int> made{0};
  Department out;
  out.id = absl::StrCat("bench-", absl::ToUnixMillis(absl::Now()), "-",
                        made.fetch_add(1));
  v1::CreateDepartmentRequest department;
  department.set_department_id(out.id);
  department.mutable_department()->set_display_name("benchmark department");
  if (absl::Status s = bureau.CreateDepartment(department).status(); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("cannot create the benchmark "
                                               "department: ",
                                               s.message()));
  }
  v1::CreateTokenRequest token;
  token.mutable_token()->set_principal("department/" + out.id);
  ASSIGN_OR_RETURN(v1::Token made_token, bureau.CreateToken(token));
  out.token = made_token.secret();
  return out;
}

absl::Status RunLifecycle(Client& bureau, Client& department_client,
                          const std::string& department) {
  ASSIGN_OR_RETURN(v1::Ticket t, bureau.CreateTicket(Draft()));
  v1::DispatchTicketRequest dispatch;
  dispatch.set_name(t.name());
  dispatch.set_department("departments/" + department);
  RETURN_IF_ERROR(bureau.DispatchTicket(dispatch).status());
  v1::AcknowledgeTicketRequest ack;
  ack.set_name(t.name());
  RETURN_IF_ERROR(department_client.AcknowledgeTicket(ack).status());
  v1::ReplyTicketRequest reply;
  reply.set_name(t.name());
  reply.set_reply_text("已处理");
  reply.set_outcome(v1::Ticket::RESOLVED);
  RETURN_IF_ERROR(department_client.ReplyTicket(reply).status());
  v1::CloseTicketRequest close;
  close.set_name(t.name());
  close.set_satisfaction(v1::Ticket::SATISFIED);
  return bureau.CloseTicket(close).status();
}

}  // namespace hotline::bench

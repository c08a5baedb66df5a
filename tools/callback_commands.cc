// hotlinectl ticket callback / appeal / decide-appeal: callbacks (回访) and
// appeals of a rating (申诉).
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/cli_command.h"

namespace hotline::cli {
namespace {

int RunCallback(Context& c, const Args& args,
                const std::vector<std::string>& w) {
  auto channel = ParseEnum<v1::CallbackAttempt::Channel>(
      "channel", args.Get("channel"), &v1::CallbackAttempt::Channel_Parse,
      "phone, sms, online");
  if (!channel.ok()) return InputError(c, channel.status());
  auto result = ParseEnum<v1::CallbackAttempt::Result>(
      "result", args.Get("result"), &v1::CallbackAttempt::Result_Parse,
      "reached, unreachable, refused");
  if (!result.ok()) return InputError(c, result.status());
  v1::RecordCallbackRequest request;
  request.set_name(TicketName(w[0]));
  request.set_channel(*channel);
  request.set_result(*result);
  request.set_note(args.Get("note"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->RecordCallback(request));
}

int RunAppeal(Context& c, const Args& args, const std::vector<std::string>& w) {
  v1::AppealRatingRequest request;
  request.set_name(TicketName(w[0]));
  request.set_grounds(args.Get("grounds"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->AppealRating(request));
}

int RunDecideAppeal(Context& c, const Args& args,
                    const std::vector<std::string>& w) {
  const std::string verdict = args.Get("verdict");
  if (verdict != "upheld" && verdict != "rejected") {
    return InputError(c, absl::InvalidArgumentError(absl::StrCat(
                             "--verdict \"", verdict,
                             "\" is not one of upheld (不合理差评: the rating "
                             "is set aside), rejected (合理差评: it stands)")));
  }
  v1::DecideAppealRequest request;
  request.set_name(TicketName(w[0]));
  request.set_uphold(verdict == "upheld");
  request.set_note(args.Get("note"));
  request.set_etag(args.Get("etag"));
  return PrintTicket(c, c.client->DecideAppeal(request));
}

}  // namespace

void AddCallbackCommands(std::vector<Command>* commands) {
  commands->push_back(
      {"ticket callback",
       "record a callback attempt (回访) (bureau)",
       "ticket callback TICKET --channel C --result R [--note TEXT] "
       "[--etag E]",
       "Records an attempt of the callback to the caller of a replied "
       "ticket (bureau only). C: phone, sms, online; R: reached (then "
       "close it with the rating), unreachable, refused. The policy's "
       "callback_max_attempts-th attempt that does not reach the caller "
       "closes the ticket as unreachable (回访未果), without a rating.\n"
       "Example:\n  hotlinectl ticket callback 7 --channel phone --result "
       "unreachable --note 无人接听",
       {"channel", "result", "note", "etag"},
       {},
       1,
       1,
       RunCallback});
  commands->push_back(
      {"ticket appeal",
       "appeal a dissatisfied rating (申诉) (department)",
       "ticket appeal TICKET --grounds TEXT [--etag E]",
       "Appeals the dissatisfied rating of your department's reply, within "
       "the policy's appeal_working_days of the close; the bureau decides."
       "\nExample:\n  hotlinectl ticket appeal 7 --grounds "
       "诉求超出政策规定, 已如实解释",
       {"grounds", "etag"},
       {},
       1,
       1,
       RunAppeal});
  commands->push_back(
      {"ticket decide-appeal",
       "decide an appeal of a rating (bureau)",
       "ticket decide-appeal TICKET --verdict upheld|rejected [--note TEXT] "
       "[--etag E]",
       "Decides the department's appeal: upheld (不合理差评) sets the rating "
       "aside in its satisfaction rate; rejected (合理差评) lets it stand, "
       "and reopens the ticket when the policy says "
       "reopen_on_reasonable_dissatisfaction = 1 (bureau only).\nExample:\n"
       "  hotlinectl ticket decide-appeal 7 --verdict upheld --note "
       "诉求超出政策规定",
       {"verdict", "note", "etag"},
       {},
       1,
       1,
       RunDecideAppeal});
}

}  // namespace hotline::cli

// A department's system on the installed client library: is the server
// up, and which tickets may this token see?
//   hotline_consumer 127.0.0.1:7345 "$HOTLINE_TOKEN"
#include <iostream>

#include "hotline/client/hotline_client.h"
#include "hotline/version.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: hotline_consumer host:port token\n";
    return 2;
  }
  hotline::ClientOptions options;
  options.target = argv[1];
  options.token = argv[2];
  hotline::Client client(options);
  if (absl::Status health = client.CheckHealth(); !health.ok()) {
    std::cerr << "health: " << health << "\n";
    return 1;
  }
  hotline::v1::ListTicketsRequest request;
  request.set_page_size(10);
  absl::StatusOr<hotline::v1::ListTicketsResponse> page =
      client.ListTickets(request);
  if (!page.ok()) {
    std::cerr << "list: " << page.status() << "\n";
    return 1;
  }
  std::cout << "hotline " HOTLINE_VERSION " is serving; "
            << page->tickets_size() << " ticket(s) on the first page\n";
  return 0;
}

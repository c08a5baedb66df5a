// gateway/ordered_json.h: keys in the order set, valid JSON text out (read
// back by protobuf's parser).
#include "gateway/ordered_json.h"

#include <string>

#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace hotline::testing {
namespace {

using google::protobuf::Value;

TEST(OrderedJsonTest, KeepsKeysInOrderAndEscapesText) {
  gateway::OrderedJson object = gateway::OrderedJson::Object();
  object.Set("b", 1);
  object.Set("a", "say \"hi\"\\\n\t\x01 工单");
  object.Set("b", true);  // replaced where it was
  gateway::OrderedJson& list = object.Set("c", gateway::OrderedJson::Array());
  list.Add(gateway::OrderedJson());
  list.Add(gateway::OrderedJson::Object());
  object.Set("d", gateway::OrderedJson::Array());
  object.Set("gone", 2);
  object.Erase("gone");
  EXPECT_EQ(object.Dump(),
            "{\n"
            "  \"b\": true,\n"
            "  \"a\": \"say \\\"hi\\\"\\\\\\n\\t\\u0001 工单\",\n"
            "  \"c\": [\n"
            "    null,\n"
            "    {}\n"
            "  ],\n"
            "  \"d\": []\n"
            "}");
  Value parsed;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(object.Dump(), &parsed).ok());
  EXPECT_EQ(parsed.struct_value().fields().at("a").string_value(),
            "say \"hi\"\\\n\t\x01 工单");
}

TEST(OrderedJsonTest, BytesThatAreNotUtf8BecomeTheReplacementCharacter) {
  EXPECT_EQ(gateway::OrderedJson("a\xff").Dump(), "\"a\xEF\xBF\xBD\"");
  EXPECT_EQ(gateway::OrderedJson(int64_t{-42}).Dump(), "-42");
  EXPECT_EQ(gateway::OrderedJson(false).Dump(), "false");
}

}  // namespace
}  // namespace hotline::testing

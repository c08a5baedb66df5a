// The statistics log's compact form (storage/sql/stat_change_codec.h): a
// change's effect survives the round trip exactly, a damaged blob is
// refused, and the text form of schema 4 to 18 decodes to the same effect.
#include "storage/sql/stat_change_codec.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"

namespace hotline::storage {
namespace {

StatFacts Facts(const std::string& department, const std::string& topic,
                int64_t day, std::vector<std::pair<StatCounter, int64_t>> c) {
  StatFacts f;
  f.department = department;
  f.type = "COMPLAINT";
  f.topic = topic;
  f.day = day;
  for (const auto& [counter, value] : c) f.counts[counter] = value;
  return f;
}

void ExpectSame(const std::vector<StatFacts>& a,
                const std::vector<StatFacts>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(a[i].SameKey(b[i])) << i;
    EXPECT_EQ(a[i].counts.c, b[i].counts.c) << i;
  }
}

TEST(StatChangeCodec, AChangeThatKeepsItsKeyIsItsDifference) {
  const StatFacts before = Facts("departments/water", "噪音", 18668,
                                 {{kReceived, 1}, {kForwarded, 1}});
  const StatFacts after =
      Facts("departments/water", "噪音", 18668,
            {{kReceived, 1}, {kForwarded, 1}, {kReplied, 1}});
  const std::vector<StatFacts> effect = StatEffect(before, after);
  ASSERT_EQ(effect.size(), 1u);
  EXPECT_EQ(effect[0].counts[kReplied], 1);
  EXPECT_EQ(effect[0].counts[kReceived], 0);
  // Nothing changed: nothing to log.
  EXPECT_TRUE(StatEffect(before, before).empty());
}

TEST(StatChangeCodec, AChangeOfKeyTakesFromTheOldAndAddsToTheNew) {
  const StatFacts before =
      Facts("departments/water", "噪音", 18668, {{kForwarded, 1}});
  const StatFacts after =
      Facts("departments/roads", "噪音", 18668, {{kForwarded, 1}});
  const std::vector<StatFacts> effect = StatEffect(before, after);
  ASSERT_EQ(effect.size(), 2u);
  EXPECT_EQ(effect[0].department, "departments/water");
  EXPECT_EQ(effect[0].counts[kForwarded], -1);
  EXPECT_EQ(effect[1].department, "departments/roads");
  EXPECT_EQ(effect[1].counts[kForwarded], 1);
  // A new contribution, and one that ends.
  ExpectSame(StatEffect(std::nullopt, after), {after});
  ASSERT_EQ(StatEffect(before, std::nullopt).size(), 1u);
  EXPECT_EQ(StatEffect(before, std::nullopt)[0].counts[kForwarded], -1);
}

TEST(StatChangeCodec, TheEffectSurvivesTheRoundTripExactly) {
  StatFacts extremes =
      Facts("no-prefix", "", -3,
            {{kReceived, std::numeric_limits<int64_t>::max()},
             {kAppealsUpheld, std::numeric_limits<int64_t>::min()},
             {kRedCards, -1}});
  const std::vector<StatFacts> effect = {
      Facts("departments/water", "噪音", 18668, {{kReplied, 1}}),
      Facts("", "路灯", 20000, {{kReceived, -2}, {kPendingOverdue, 300}}),
      extremes,
  };
  const std::string blob = EncodeStatEffect(effect);
  absl::StatusOr<std::vector<StatFacts>> decoded = DecodeStatEffect(blob);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ExpectSame(*decoded, effect);
  // Small: the names and a few bytes, not 40 counters.
  EXPECT_LT(EncodeStatEffect({effect[0]}).size(), 40u);
  absl::StatusOr<std::vector<StatFacts>> none =
      DecodeStatEffect(EncodeStatEffect({}));
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(StatChangeCodec, ADamagedBlobIsRefused) {
  const std::string blob = EncodeStatEffect(
      {Facts("departments/water", "噪音", 18668, {{kReplied, 1}}),
       Facts("departments/roads", "路灯", 18669, {{kReceived, 5}})});
  // Every truncation.
  for (size_t size = 0; size < blob.size(); ++size) {
    EXPECT_EQ(DecodeStatEffect(blob.substr(0, size)).status().code(),
              absl::StatusCode::kDataLoss)
        << size;
  }
  // A byte too many.
  EXPECT_EQ(DecodeStatEffect(blob + '\0').status().code(),
            absl::StatusCode::kDataLoss);
  // Flags this build does not know.
  std::string flags = blob;
  flags[1] = '\x02';
  EXPECT_EQ(DecodeStatEffect(flags).status().code(),
            absl::StatusCode::kDataLoss);
  // A counter index past the last counter.
  std::string index = EncodeStatEffect({Facts("", "", 0, {{kReceived, 1}})});
  index[index.size() - 2] = static_cast<char>(kStatCounterCount);
  EXPECT_EQ(DecodeStatEffect(index).status().code(),
            absl::StatusCode::kDataLoss);
  // A counter given twice, and a zero (EncodeStatEffect writes neither).
  std::string twice =
      EncodeStatEffect({Facts("", "", 0, {{kReceived, 1}, {kForwarded, 1}})});
  twice[twice.size() - 2] = static_cast<char>(kReceived);
  EXPECT_EQ(DecodeStatEffect(twice).status().code(),
            absl::StatusCode::kDataLoss);
  std::string zero = EncodeStatEffect({Facts("", "", 0, {{kReceived, 1}})});
  zero.back() = '\0';
  EXPECT_EQ(DecodeStatEffect(zero).status().code(),
            absl::StatusCode::kDataLoss);
  // A count of contributions the blob cannot hold, and a varint of eleven
  // bytes.
  EXPECT_EQ(
      DecodeStatEffect(std::string("\xff\xff\xff\x7f") + std::string(20, '\0'))
          .status()
          .code(),
      absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeStatEffect(std::string(10, '\xff') + '\x01').status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(StatChangeCodec, TheTextLogOfOlderSchemasDecodesToTheSameEffect) {
  // As schema 4 wrote it: 15 counters (the later ones count 0), strings
  // C-escaped, fields separated by \x1f.
  const std::string before =
      "departments/water\x1f"
      "COMPLAINT\x1f\\345\\231\\252\\351\\237\\263\x1f"
      "18668\x1f"
      "1,1,0,0,0,0,0,0,0,0,0,0,0,0,0";
  std::string after_counts = "1,1,1";
  for (int i = 3; i < kStatCounterCount; ++i) after_counts += ",0";
  const std::string after =
      "departments/water\x1f"
      "COMPLAINT\x1f噪音\x1f"
      "18668\x1f" +
      after_counts;
  absl::StatusOr<std::vector<StatFacts>> effect =
      DecodeTextStatChange(before, after);
  ASSERT_TRUE(effect.ok()) << effect.status();
  ExpectSame(*effect,
             {Facts("departments/water", "噪音", 18668, {{kReplied, 1}})});
  // A new contribution has no "before".
  absl::StatusOr<std::vector<StatFacts>> created =
      DecodeTextStatChange("", after);
  ASSERT_TRUE(created.ok());
  ASSERT_EQ(created->size(), 1u);
  EXPECT_EQ((*created)[0].counts[kReplied], 1);
  std::string too_many = "0";
  for (int i = 0; i < kStatCounterCount; ++i) too_many += ",0";
  for (const std::string& bad : {
           std::string("departments/water\x1f"),  // too few fields
           std::string("a\x1f"
                       "b\x1f"
                       "c\x1f"
                       "x\x1f"
                       "1"),  // a day
           "a\x1f"
           "b\x1f"
           "c\x1f"
           "1\x1f" +
               too_many,
           std::string("a\x1f"
                       "b\x1f"
                       "\\x\x1f"
                       "1\x1f"
                       "1"),  // escape
       }) {
    EXPECT_EQ(DecodeTextStatChange("", bad).status().code(),
              absl::StatusCode::kDataLoss)
        << bad;
  }
}

}  // namespace
}  // namespace hotline::storage

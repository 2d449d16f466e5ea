// Decimal commas ("12,5") are recognised, so the warnings can say why such numbers were not read.
#include <gtest/gtest.h>

#include "io/decimal_comma.hpp"

using minerisk::reader::has_decimal_comma;

TEST(InputsDecimalComma, RecognisesSignedDigitsCommaDigits) {
    EXPECT_TRUE(has_decimal_comma("12,5"));
    EXPECT_TRUE(has_decimal_comma("-46,7615"));
    EXPECT_TRUE(has_decimal_comma("+0,75"));
    EXPECT_FALSE(has_decimal_comma("12.5"));
    EXPECT_FALSE(has_decimal_comma("12,"));
    EXPECT_FALSE(has_decimal_comma(",5"));
    EXPECT_FALSE(has_decimal_comma("1,2,3"));
    EXPECT_FALSE(has_decimal_comma("about 1,5"));
    EXPECT_FALSE(has_decimal_comma(""));
}

// SPDX-License-Identifier: GPL-2.0
/*
 * The harness's KUnit control (not part of the series): one suite with a
 * case that passes, a parameterised case that passes and a case that
 * fails on purpose. tests/guest/harness-kunit.sh loads it and feeds its
 * results to the same kunit_results the suites use, which must report
 * the failing case as failed and the others as passed (scripts/check.sh
 * judges that).
 */
#include <kunit/test.h>
#include <linux/module.h>

static void harness_kunit_control_passes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2 + 2, 4);
}

static const int harness_kunit_control_params[] = { 1, 2, 3 };

static void harness_kunit_control_param_desc(const int *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "param %d", *p);
}

KUNIT_ARRAY_PARAM(harness_kunit_control, harness_kunit_control_params,
		  harness_kunit_control_param_desc);

static void harness_kunit_control_params_pass(struct kunit *test)
{
	const int *p = test->param_value;

	KUNIT_EXPECT_GT(test, *p, 0);
}

static void harness_kunit_control_fails(struct kunit *test)
{
	KUNIT_FAIL(test, "this case fails on purpose (harness control)");
}

static struct kunit_case harness_kunit_control_cases[] = {
	KUNIT_CASE(harness_kunit_control_passes),
	KUNIT_CASE_PARAM(harness_kunit_control_params_pass,
			 harness_kunit_control_gen_params),
	KUNIT_CASE(harness_kunit_control_fails),
	{}
};

static struct kunit_suite harness_kunit_control_suite = {
	.name = "harness-kunit-control",
	.test_cases = harness_kunit_control_cases,
};
kunit_test_suite(harness_kunit_control_suite);

MODULE_DESCRIPTION("vfio-dfl harness: a KUnit suite with a failing case");
MODULE_LICENSE("GPL");

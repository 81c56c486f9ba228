package io.countersign.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.drools.base.base.ClassObjectType;
import org.drools.base.base.EnabledBoolean;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.base.rule.GroupElement;
import org.drools.base.rule.RuleConditionElement;
import org.kie.api.definition.rule.Rule;

import io.countersign.policy.api.Request;

/**
 * What a rule may not be, because it would let a DENY rule go unfired while the decision still looks
 * complete. Checked on the compiled rules and on the rule text before a policy is accepted.
 */
final class RuleShape {
    /** Ways out of the one-outcome-per-firing model: stopping the engine or reaching around the verdict. */
    private static final Pattern ENGINE_ACCESS = Pattern.compile(
            "\\bhalt\\s*\\(|getKieRuntime\\s*\\(|getWorkingMemory\\s*\\(|getEntryPoint\\s*\\(|\\b(?:delete|retract)\\s*\\(");
    /**
     * Drools 10.2.0's constraint JIT emits a call with a stale signature for operators written as
     * {@code str[...]}: after about twenty evaluations every decision would fail (closed, but all DENY).
     */
    private static final Pattern BROKEN_OPERATOR = Pattern.compile("\\bstr\\s*\\[");
    private static final Pattern DATA_PATTERN = Pattern.compile("\\bDataSet\\s*\\(");
    private static final Pattern DATA_NAME = Pattern.compile("\\G\\s*name\\s*==\\s*\"([^\"]*)\"");

    private RuleShape() {
    }

    /** Problems with one compiled rule: attributes that skip or defer firings, or no Request to match. */
    static List<String> check(Rule rule) {
        List<String> problems = new ArrayList<>();
        if (!(rule instanceof RuleImpl impl)) {
            return problems;
        }
        List<String> refused = new ArrayList<>();
        if (!impl.isMainAgendaGroup()) {
            refused.add("agenda-group");
        }
        if (impl.getActivationGroup() != null && !impl.getActivationGroup().isEmpty()) {
            refused.add("activation-group");
        }
        if (impl.getRuleFlowGroup() != null && !impl.getRuleFlowGroup().isEmpty()) {
            refused.add("ruleflow-group");
        }
        if (impl.getDateEffective() != null || impl.getDateExpires() != null) {
            refused.add("date-effective/date-expires");
        }
        if (impl.getTimer() != null) {
            refused.add("timer");
        }
        if (impl.getCalendars() != null && impl.getCalendars().length > 0) {
            refused.add("calendars");
        }
        if (impl.isLockOnActive()) {
            refused.add("lock-on-active");
        }
        if (!(impl.getEnabled() instanceof EnabledBoolean) || !impl.getEnabled().getValue(null, null, impl, null)) {
            refused.add("enabled");
        }
        if (!refused.isEmpty()) {
            problems.add("rule " + rule.getName() + " uses " + String.join(", ", refused)
                    + "; every rule must be able to fire for every request, so these attributes are not allowed");
        }
        if (!matchesRequest(impl.getLhs())) {
            problems.add("rule " + rule.getName() + " does not match a Request; a rule that matches only data"
                    + " would fire once per session, not once per request");
        }
        return problems;
    }

    /**
     * Problems in a rule file's text: engine access from a consequence, the broken {@code str[...]}
     * operator, and data set patterns that do not name, first, a data set in {@code definedData}. A
     * rule joining on a data set no file defines would silently never fire, and a deny rule that never
     * fires is a hole.
     */
    static List<PolicyProblem> checkText(String display, String text, Set<String> definedData) {
        List<PolicyProblem> problems = new ArrayList<>();
        String code = code(text);
        Matcher access = ENGINE_ACCESS.matcher(code);
        while (access.find()) {
            problems.add(new PolicyProblem(display, lineOf(code, access.start()), "rules state outcomes through verdict"
                    + " only; '" + access.group().replaceAll("\\s", "") + "' could stop other rules from firing"));
        }
        Matcher broken = BROKEN_OPERATOR.matcher(code.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\""));
        while (broken.find()) {
            problems.add(new PolicyProblem(display, lineOf(code, broken.start()), "the str[...] operator is not"
                    + " supported (it breaks Drools 10.2's constraint compiler at run time); write"
                    + " action.startsWith(\"...\") or action.endsWith(\"...\") instead"));
        }
        Matcher data = DATA_PATTERN.matcher(code);
        Matcher name = DATA_NAME.matcher(code);
        while (data.find()) {
            int line = lineOf(code, data.start());
            if (!name.find(data.end())) {
                problems.add(new PolicyProblem(display, line, "write DataSet( name == \"…\", … )"
                        + " with the name first, so the loader can check that the data set exists"));
            } else if (!definedData.contains(name.group(1))) {
                problems.add(new PolicyProblem(display, line, "data set '" + name.group(1) + "' is not defined in any"
                        + " file under " + PolicyLoader.DATA_DIR + "/; the rule could never match"));
            }
        }
        return problems;
    }

    private static boolean matchesRequest(GroupElement group) {
        if (group.isNot() || group.isExists()) {
            return false;
        }
        List<RuleConditionElement> children = group.getChildren();
        if (group.isAnd()) {
            for (RuleConditionElement child : children) {
                if (isRequestPattern(child) || (child instanceof GroupElement g && matchesRequest(g))) {
                    return true;
                }
            }
            return false;
        }
        // OR: every branch must match a request
        for (RuleConditionElement child : children) {
            if (!isRequestPattern(child) && !(child instanceof GroupElement g && matchesRequest(g))) {
                return false;
            }
        }
        return !children.isEmpty();
    }

    private static boolean isRequestPattern(RuleConditionElement element) {
        return element instanceof org.drools.base.rule.Pattern pattern
                && pattern.getObjectType() instanceof ClassObjectType type
                && type.getClassType() == Request.class;
    }

    /** DRL with its comments blanked out, keeping every line break so line numbers stay right. */
    static String code(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        boolean inString = false;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (inString) {
                out.append(c);
                if (c == '\\' && i + 1 < text.length()) {
                    out.append(text.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                i++;
            } else if (c == '"') {
                inString = true;
                out.append(c);
                i++;
            } else if (text.startsWith("//", i) || text.startsWith("#", i)) {
                while (i < text.length() && text.charAt(i) != '\n') {
                    i++;
                }
            } else if (text.startsWith("/*", i)) {
                int end = text.indexOf("*/", i + 2);
                int stop = end < 0 ? text.length() : end + 2;
                for (int k = i; k < stop; k++) {
                    if (text.charAt(k) == '\n') {
                        out.append('\n');
                    }
                }
                i = stop;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static int lineOf(String text, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}

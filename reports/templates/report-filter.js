// The report's filter: shows the findings of the units, statuses and kinds of target asked for,
// by their data- attributes. It only sets `hidden` and a count's textContent: no markup is built
// from the page's data. With JavaScript off the controls stay hidden and everything is listed.
(function () {
  "use strict";
  // Printing opens every roll-up branch (a closed <details> would print closed), then closes
  // again what the reader had closed.
  var opened = [];
  window.addEventListener("beforeprint", function () {
    opened = Array.prototype.filter.call(document.querySelectorAll("details"), function (d) {
      return !d.open;
    });
    opened.forEach(function (d) {
      d.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) {
      d.open = false;
    });
    opened = [];
  });

  var form = document.getElementById("filter");
  if (!form) {
    return;
  }
  var findings = Array.prototype.slice.call(document.querySelectorAll("article[data-status]"));
  var groups = Array.prototype.slice.call(document.querySelectorAll("section[data-group]"));
  var shown = document.getElementById("shown");
  var none = document.getElementById("no-match");
  var thousands = form.getAttribute("data-thousands") || "";

  // "Sóc Sơn", "soc son" and "SOC-SON" all find UBND huyện Sóc Sơn (soc-son).
  function fold(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[\u0111\u0110]/g, "d")
      .toLowerCase()
      .replace(/[\s_-]+/g, " ");
  }
  var keys = findings.map(function (finding) {
    return fold(finding.getAttribute("data-unit") + " " + finding.getAttribute("data-name"));
  });

  function grouped(count) {
    return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, thousands);
  }

  function ticked(name) {
    var wanted = {};
    Array.prototype.forEach.call(form.querySelectorAll("input[name=" + name + "]"), function (box) {
      wanted[box.value] = box.checked;
    });
    return wanted;
  }

  function apply() {
    var statuses = ticked("status");
    var strengths = ticked("strength");
    var text = fold(form.elements.unit.value.trim());
    var count = 0;
    findings.forEach(function (finding, index) {
      var show =
        statuses[finding.getAttribute("data-status")] !== false &&
        strengths[finding.getAttribute("data-strength")] !== false &&
        (text === "" || keys[index].indexOf(text) !== -1);
      finding.hidden = !show;
      count += show ? 1 : 0;
    });
    groups.forEach(function (group) {
      group.hidden = group.querySelector("article[data-status]:not([hidden])") === null;
    });
    shown.textContent = grouped(count);
    none.hidden = count !== 0;
  }

  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0); // the reset's values are in place after the event
  });

  form.hidden = false;
  document.documentElement.setAttribute("data-filter", "ready");
  apply();
})();

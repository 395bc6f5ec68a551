// A page that throws while rendering shows an error with a reload button instead of a
// blank screen; the menu stays usable.
import { Button, Result } from "antd";
import { Component, type ReactNode } from "react";

interface State {
  error: Error | null;
}

export class PageErrorBoundary extends Component<{ children: ReactNode }, State> {
  state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <Result
        status="error"
        title="页面出错了 / Something went wrong"
        subTitle={this.state.error.message}
        extra={<Button onClick={() => window.location.reload()}>重新加载 / Reload</Button>}
      />
    );
  }
}
